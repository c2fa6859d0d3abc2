#ifndef CERTDESK_UI_VIEW_APP_INT_H
#define CERTDESK_UI_VIEW_APP_INT_H

/*
 * The forms the application screen opens for its steps (view_app_steps.c):
 * what their F2 saves and their extra keys do. Each works on the
 * application named by the form's ref. Private to view_app*.c.
 */
#include "ui/view_form.h"

/* ---- forms opened from here ---- */
int view_app_attach_save(struct form_view *fv, struct ui *ui);
/* F6: offer the newest file of the scan folder, then the next older. */
int view_app_attach_pick(struct form_view *fv, struct ui *ui, enum action a);
int view_app_reason_cancel(struct form_view *fv, struct ui *ui);
/* F6 in the review form: the next reason template, to edit before sending. */
int view_app_review_pick(struct form_view *fv, struct ui *ui, enum action a);
/* The certificate made and, when a KEY serial is given, that blank KEY
 * issued from stock: one transaction, so that nothing is half-done (the
 * application is not marked made when the KEY cannot be issued). */
int view_app_make_save(struct form_view *fv, struct ui *ui);
int view_app_ship_save(struct form_view *fv, struct ui *ui);
int view_app_collect_save(struct form_view *fv, struct ui *ui);
int view_app_authorise_save(struct form_view *fv, struct ui *ui);
int view_app_review_save(struct form_view *fv, struct ui *ui);

#endif
