/* Actions, their keys and their texts: the one list in actions.def. */
#include "ui/ui.h"

struct action_info {
	int key;
	const char *key_label, *label, *help;
};

static const struct action_info info[ACT__COUNT] = {
	[ACT_NONE] = { 0, "", "", "" },
#define ACTION(id, key, keylabel, label, help) [ACT_##id] = { key, keylabel, label, help },
#include "ui/actions.def"
#undef ACTION
};

/* Extra keys for some actions. */
static const struct {
	enum action a;
	bool fn;
	wint_t code;
} extra[] = {
	{ ACT_SAVE, false, 19 },          /* Ctrl-S */
	{ ACT_OPEN, true, KEY_ENTER },
	{ ACT_CONFIRM, true, KEY_ENTER },
	{ ACT_OPEN, false, '\r' },
	{ ACT_CONFIRM, false, '\r' },
	{ ACT_QUIT, false, 17 },          /* Ctrl-Q */
	{ ACT_HELP, false, '?' },         /* only reaches here when no field took it */
};

const char *action_key_label(enum action a)
{
	return (unsigned)a < ACT__COUNT ? info[a].key_label : "";
}

const char *action_label(enum action a)
{
	return (unsigned)a < ACT__COUNT ? info[a].label : "";
}

const char *action_help(enum action a)
{
	return (unsigned)a < ACT__COUNT ? info[a].help : "";
}

static bool matches(enum action a, const struct key *k)
{
	int key = info[a].key;
	bool key_is_fn = key >= KEY_MIN;
	if (k->fn == key_is_fn && (int)k->code == key)
		return true;
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (extra[i].a == a && extra[i].fn == k->fn && extra[i].code == k->code)
			return true;
	return false;
}

enum action action_for_key(const struct key *k, const enum action *offered)
{
	for (const enum action *a = offered; a && *a != ACT_NONE; a++)
		if (matches(*a, k))
			return *a;
	static const enum action global[] = { ACT_HELP, ACT_QUIT };
	for (size_t i = 0; i < sizeof global / sizeof global[0]; i++)
		if (matches(global[i], k))
			return global[i];
	return ACT_NONE;
}
