/*
 * The token drivers: the table of the card applications this program
 * knows, finding the one a card speaks (token_detect), and the token_*
 * operations that run a driver's function in a transaction. Transport is
 * pcsc.c's; what each application says is its driver's (piv.c).
 */
#include "adapt/token.h"

#include <string.h>

#include "util/log.h"

/* Drivers tried by token_detect, in order. */
static const struct token_driver *const drivers[] = {
	&token_driver_piv,
};

const char *token_slot_code(enum token_slot s)
{
	static const char *const codes[] = { "auth", "sign", "keymgmt", "cardauth" };
	return (unsigned)s < TOKEN_SLOT__COUNT ? codes[s] : "?";
}

const char *token_slot_label(enum token_slot s)
{
	static const char *const labels[] = { "身份认证证书", "签名证书", "加密证书", "卡认证证书" };
	return (unsigned)s < TOKEN_SLOT__COUNT ? labels[s] : "证书";
}

bool token_slot_parse(const char *code, enum token_slot *out)
{
	for (int i = 0; i < TOKEN_SLOT__COUNT; i++)
		if (code && strcmp(code, token_slot_code((enum token_slot)i)) == 0) {
			*out = (enum token_slot)i;
			return true;
		}
	return false;
}

enum status token_detect(struct token_card *card, struct err *e)
{
	token_card_set_driver(card, NULL);
	for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++) {
		enum status st = token_begin(card, e);
		if (st != ST_OK)
			return st;
		st = drivers[i]->probe(card, e);
		token_end(card);
		if (st == ST_OK) {
			token_card_set_driver(card, drivers[i]);
			log_info("token: %s card in reader", drivers[i]->name);
			return ST_OK;
		}
		if (st != ST_UNSUPPORTED)
			return st;
	}
	return err_set(e, ST_UNSUPPORTED, "无法识别此 KEY：它不是 PIV 卡，也不是本程序支持的其他 KEY。"
		       "请确认插入的是本机构发放的 USB KEY。");
}

/* Run one driver operation in a transaction; `op` is the operation's
 * pointer, checked before the call. Without a driver (never detected, or
 * the card was reset by another program), detect it first. */
#define DRIVER_OP(card, op, e, ...)                                                        \
	do {                                                                               \
		if (!token_card_driver(card)) {                                            \
			enum status det_ = token_detect(card, e);                          \
			if (det_ != ST_OK)                                                 \
				return det_;                                               \
		}                                                                          \
		const struct token_driver *drv_ = token_card_driver(card);                 \
		if (!drv_->op)                                                             \
			return err_set(e, ST_UNSUPPORTED, "此 KEY 不支持该操作。");        \
		enum status st_ = token_begin(card, e);                                    \
		if (st_ != ST_OK)                                                          \
			return st_;                                                        \
		st_ = drv_->op(card, __VA_ARGS__);                                         \
		token_end(card);                                                           \
		return st_;                                                                \
	} while (0)

enum status token_card_id(struct token_card *card, char out[TOKEN_ID_MAX], struct err *e)
{
	out[0] = '\0';
	DRIVER_OP(card, card_id, e, out, e);
}

enum status token_read_cert(struct token_card *card, enum token_slot slot, uint8_t **der,
			    size_t *len, struct err *e)
{
	*der = NULL;
	*len = 0;
	if ((unsigned)slot >= TOKEN_SLOT__COUNT)
		return err_set(e, ST_INVALID, "证书位置无效。");
	DRIVER_OP(card, read_cert, e, slot, der, len, e);
}

enum status token_pin_status(struct token_card *card, int *tries_left, bool *verified,
			     struct err *e)
{
	*tries_left = -1;
	*verified = false;
	DRIVER_OP(card, pin_status, e, tries_left, verified, e);
}

enum status token_verify_pin(struct token_card *card, const char *pin, int *tries_left,
			     struct err *e)
{
	*tries_left = -1;
	DRIVER_OP(card, verify_pin, e, pin, tries_left, e);
}

enum status token_change_pin(struct token_card *card, const char *old_pin, const char *new_pin,
			     int *tries_left, struct err *e)
{
	*tries_left = -1;
	DRIVER_OP(card, change_pin, e, old_pin, new_pin, tries_left, e);
}

enum status token_unblock_pin(struct token_card *card, const char *puk, const char *new_pin,
			      int *tries_left, struct err *e)
{
	*tries_left = -1;
	DRIVER_OP(card, unblock_pin, e, puk, new_pin, tries_left, e);
}

enum status token_change_puk(struct token_card *card, const char *old_puk, const char *new_puk,
			     int *tries_left, struct err *e)
{
	*tries_left = -1;
	DRIVER_OP(card, change_puk, e, old_puk, new_puk, tries_left, e);
}
