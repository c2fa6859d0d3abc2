#ifndef CERTDESK_UI_VIEWS_KEY_H
#define CERTDESK_UI_VIEWS_KEY_H

/* The KEY screen (view_key.c). */
#include "ui/ui.h"

/* Read a USB KEY: wait for one (Esc cancels), let the clerk pick a reader
 * when several hold KEYs, show the certificates, bind them to the
 * applicant after the PIN, or start a renewal from one. applicant_id is
 * whom the screen is for (from the applicant's screen), or NULL from the
 * main menu: binding and renewal then ask for the applicant's phone (a
 * renewal of a bound certificate goes to its applicant). */
void view_key_open(struct ui *ui, const char *applicant_id);

/* Unlock the KEY in `reader` for the accepted unlock application app_id
 * (number and card_id for the text): a form for the new PIN, typed twice
 * by the applicant; F2 asks the centre for the PUK and resets the PIN
 * (view_key_pin.c). */
void view_key_unlock_open(struct ui *ui, const char *reader, const char *app_id,
			  const char *number, const char *card_id);
/* Change the PIN of the KEY in `reader`: the old PIN, the new one twice. */
void view_key_pin_open(struct ui *ui, const char *reader, const char *card_id);

#endif
