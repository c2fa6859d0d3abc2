/*
 * printdemo: render layouts with key=value data, for the integration test
 * and for trying layouts by hand.
 *
 *   printdemo [-o OUT.pdf] [-d DATA.txt]... [-n COPIES] [--keys]
 *             LAYOUT[+LAYOUT...] [key=value]...
 *
 * LAYOUT is an embedded layout name (receipt) or a file path (containing
 * '/'). Several layouts joined by '+' print one after another with the same
 * data (application_enterprise+agreement); -n repeats the whole set, as a
 * batch of forms in one call. Prints one summary line:
 *   pages=2 bytes=23456 glyphs=301 clipped=0 bad=0 ms=5.1 subset_ms=0.6
 * then one line per unprintable character: "bad U+20BB7 outside_bmp applicant.name".
 * --keys lists the data keys the layouts read. Exit 0 on success, 1 on an
 * error (message on stderr), 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/pdf.h"
#include "model/layout.h"
#include "util/fs.h"

static void usage(void)
{
	fprintf(stderr, "usage: printdemo [-o OUT.pdf] [-d DATA.txt]... [-n COPIES] [--keys] "
			"LAYOUT[+LAYOUT...] [key=value]...\n");
	exit(2);
}

static void print_key(void *ctx, const char *key)
{
	(void)ctx;
	printf("%s\n", key);
}

static enum status load(const char *name, struct layout **out, struct err *e)
{
	if (!strchr(name, '/'))
		return layout_load(name, out, e);
	char *text;
	size_t len;
	enum status st = fs_read_all(name, 1 << 20, &text, &len, e);
	if (st != ST_OK)
		return st;
	const char *base = strrchr(name, '/') + 1;
	st = layout_parse(base, text, out, e);
	free(text);
	return st;
}

int main(int argc, char **argv)
{
	const char *out = "printdemo.pdf";
	const char *names = NULL;
	bool keys = false;
	long copies = 1;
	struct err e;
	err_clear(&e);
	struct pdf_data *data = pdf_data_new();
	if (!data)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(a, "-n") == 0 && i + 1 < argc) {
			copies = strtol(argv[++i], NULL, 10);
			if (copies < 1 || copies > 10000)
				usage();
		} else if (strcmp(a, "-d") == 0 && i + 1 < argc) {
			char *text;
			size_t len;
			if (fs_read_all(argv[++i], 1 << 20, &text, &len, &e) != ST_OK
			    || pdf_data_parse(data, text, &e) != ST_OK) {
				fprintf(stderr, "printdemo: %s: %s\n", argv[i], err_text(&e));
				return 1;
			}
			free(text);
		} else if (strcmp(a, "--keys") == 0) {
			keys = true;
		} else if (a[0] == '-') {
			usage();
		} else if (!names) {
			names = a;
		} else if (strchr(a, '=')) {
			if (pdf_data_parse(data, a, &e) != ST_OK) {
				fprintf(stderr, "printdemo: %s: %s\n", a, err_text(&e));
				return 1;
			}
		} else {
			usage();
		}
	}
	if (!names)
		usage();

	struct layout *layouts[16];
	size_t nl = 0;
	char *list = strdup(names);
	int rc = 1;
	for (char *save = NULL, *tok = strtok_r(list, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		if (nl == 16 || load(tok, &layouts[nl], &e) != ST_OK) {
			fprintf(stderr, "printdemo: %s\n", nl == 16 ? "too many layouts" : err_text(&e));
			goto done;
		}
		nl++;
	}
	if (keys) {
		for (size_t i = 0; i < nl; i++)
			layout_keys(layouts[i], print_key, NULL);
		rc = 0;
		goto done;
	}

	size_t nj = nl * (size_t)copies;
	struct pdf_job *jobs = calloc(nj, sizeof *jobs);
	if (!jobs)
		goto done;
	for (size_t i = 0; i < nj; i++)
		jobs[i] = (struct pdf_job){ layouts[i % nl], data };
	struct pdf_engine *eng;
	struct pdf_result res;
	if (pdf_engine_new(NULL, &eng, &e) != ST_OK
	    || pdf_render_file(eng, jobs, nj, out, &res, &e) != ST_OK) {
		fprintf(stderr, "printdemo: %s\n", err_text(&e));
		free(jobs);
		pdf_engine_free(eng);
		goto done;
	}
	printf("pages=%d bytes=%zu glyphs=%zu clipped=%d bad=%zu ms=%.2f subset_ms=%.2f\n", res.pages, res.bytes,
	       res.glyphs, res.clipped, res.n_bad, res.ms_total, res.ms_subset);
	for (size_t i = 0; i < res.n_bad && i < PDF_BAD_MAX; i++)
		printf("bad U+%04X %s %s\n", (unsigned)res.bad[i].cp,
		       res.bad[i].outside_bmp ? "outside_bmp" : "no_glyph", res.bad[i].key[0] ? res.bad[i].key : "-");
	if (res.n_bad) {
		char msg[1024];
		pdf_result_bad_text(&res, msg, sizeof msg);
		printf("%s\n", msg);
	}
	free(jobs);
	pdf_engine_free(eng);
	rc = 0;
done:
	for (size_t i = 0; i < nl; i++)
		layout_free(layouts[i]);
	free(list);
	pdf_data_free(data);
	return rc;
}
