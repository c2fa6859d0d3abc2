/* Printing from the screens (ui/print_ui.h): make the PDF, show its facts,
 * offer the printer. */
#include "ui/print_ui.h"

#include <stdio.h>
#include <string.h>

#include "model/attachment.h"
#include "svc/print.h"

/* What the dialog's answer needs: one print dialog is open at a time. */
static struct {
	char path[PATH_MAX];
	char printer[PRINTER_NAME_MAX];
	char facts[800];
	bool warn;
} pending;

/* "数字证书业务回执：2 页，35 KB。\n文件：PATH" and any warning. */
static void facts(const struct print_result *pr, char *out, size_t outsz)
{
	char size[32];
	attach_size_text((long long)pr->bytes, size);
	int len;
	if (pr->count > 1)
		len = snprintf(out, outsz, "%s（%d 份）已生成：%d 页，%s。\n文件：%s", pr->document, pr->count,
			       pr->pages, size, pr->path);
	else
		len = snprintf(out, outsz, "%s 已生成：%d 页，%s。\n文件：%s", pr->document, pr->pages, size,
			       pr->path);
	if (pr->warning[0] && len > 0 && (size_t)len < outsz)
		snprintf(out + len, outsz - (size_t)len, "\n注意：%s", pr->warning);
}

static int send_answer(struct ui *ui, void *ctx, bool yes)
{
	(void)ctx;
	if (!yes) {
		ui_flash(ui, false, "未送打印机；PDF 已保存在 %s", pending.path);
		return R_HANDLED;
	}
	struct err e;
	err_clear(&e);
	char job[PRINTER_JOB_MAX] = "", msg[1400];
	if (svc_print_send(pending.printer, pending.path, job, &e) != ST_OK) {
		dialog_message(ui, "打印机", err_text(&e), true);
		return R_HANDLED;
	}
	snprintf(msg, sizeof msg, "已送打印机 %s%s%s%s。\n%s", pending.printer, job[0] ? "（任务 " : "", job,
		 job[0] ? "）" : "", pending.facts);
	dialog_message(ui, "打印", msg, pending.warn);
	return R_HANDLED;
}

void print_ui_run(struct ui *ui, enum print_ui_doc doc, const char *ref)
{
	struct print_result pr;
	struct err e;
	err_clear(&e);
	enum status st;
	switch (doc) {
	case PRINT_UI_RECEIPT:
		st = svc_print_receipt(ui->app, &ui->actor, ref, NULL, &pr, &e);
		break;
	case PRINT_UI_PAYMENT:
		st = svc_print_payment(ui->app, &ui->actor, ref, NULL, &pr, &e);
		break;
	case PRINT_UI_PICKUP:
		st = svc_print_pickup(ui->app, &ui->actor, ref, NULL, &pr, &e);
		break;
	default:
		st = svc_print_application(ui->app, &ui->actor, ref, NULL, &pr, &e);
		break;
	}
	if (st != ST_OK) {
		dialog_message(ui, "无法打印", err_text(&e), true);
		return;
	}
	snprintf(pending.path, sizeof pending.path, "%s", pr.path);
	facts(&pr, pending.facts, sizeof pending.facts);
	pending.warn = pr.warning[0] != '\0';
	const char *printer = svc_print_printer(ui->app, NULL);
	if (!printer) {
		char msg[1000];
		snprintf(msg, sizeof msg, "%s\n未设置打印机（certdesk.conf 的 printer），请用 PDF 阅读器打开该文件打印。",
			 pending.facts);
		dialog_message(ui, "打印", msg, pending.warn);
		return;
	}
	if (!printer_name_valid(printer, &e)) {
		char msg[1000];
		snprintf(msg, sizeof msg, "%s\ncertdesk.conf 的 printer 设置有误：%s；PDF 已保存。", pending.facts,
			 err_text(&e));
		dialog_message(ui, "打印", msg, true);
		return;
	}
	snprintf(pending.printer, sizeof pending.printer, "%s", printer);
	char ask[1000];
	snprintf(ask, sizeof ask, "%s\n送打印机 %s 吗？（Esc 只保存 PDF）", pending.facts, printer);
	dialog_confirm(ui, "打印", ask, send_answer, NULL);
}
