/* wallet present ID: a presentation of a credential's SD-JWT VC form that
 * discloses only the claims asked for, bound to the verifier's nonce and
 * audience with a KB-JWT by the holder's key; printed, or shown as a QR code
 * (terminal, PNG, SVG). */
#include "wallet.h"

#include "fileio.h"
#include "qr.h"
#include "qrpayload.h"
#include "sdjwt.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define COLUMNS_MAX 1000

/* --columns N, else the width of the terminal stdout is, else 80. */
static int terminal_columns(const struct cli_parsed *p, unsigned *out)
{
	const char *v = cli_value(p, "columns");
	*out = 80;
	if (v) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (*v < '0' || *v > '9' || *end || n < 21 || n > COLUMNS_MAX) {
			out_errorf("--columns", "not a number of columns from 21 to %d", COLUMNS_MAX);
			return -1;
		}
		*out = (unsigned)n;
		return 0;
	}
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 21)
		*out = ws.ws_col > COLUMNS_MAX ? COLUMNS_MAX : ws.ws_col;
	return 0;
}

static const struct cli_opt opts[] = {
    {"wallet", 'w', CLI_VALUE, "DIR", "the wallet folder (default $SHOMEI_WALLET)", 0},
    {"disclose", 0, CLI_VALUE, "CLAIMS", "the claims to disclose, comma-separated", 0},
    {"nonce", 0, CLI_VALUE, "NONCE", "the verifier's nonce (key binding)", 0},
    {"aud", 0, CLI_VALUE, "AUDIENCE", "the verifier's identifier (key binding)", 0},
    {"no-kb", 0, CLI_FLAG, NULL, "no key binding: anyone holding it could show it", 0},
    {"list-claims", 0, CLI_FLAG, NULL, "list the claims that can be disclosed", 0},
    {"qr", 0, CLI_FLAG, NULL, "draw it as a QR code on the terminal", 1},
    {"columns", 0, CLI_VALUE, "N",
     "the terminal's width for --qr (default: the terminal's own, else 80)", 0},
    {"qr-invert", 0, CLI_FLAG, NULL,
     "for --qr on a light-on-dark terminal: draw the light modules", 0},
    {"qr-png", 0, CLI_VALUE, "FILE", "write it as a QR code in a PNG image", 1},
    {"qr-svg", 0, CLI_VALUE, "FILE", "write it as a QR code in an SVG image", 1},
    {"out", 'o', CLI_VALUE, "FILE", "write the presentation text to FILE", 1},
    CLI_OPTS_PASSPHRASE,
};

static int list_claims(const char *sd, size_t len, const char *id)
{
	json_t *list = NULL;
	struct shomei_diag d;
	if (sdjwt_disclosable(sd, len, &list, &d) != 0) {
		out_error(id, &d);
		return WALLET_EXIT_FAILED;
	}
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *path = json_string_value(json_object_get(e, "path"));
		char *v = json_dumps(json_object_get(e, "value"), JSON_ENCODE_ANY);
		printf("%-14s %s\n", path + 1, v ? v : "");
		free(v);
	}
	json_decref(list);
	return WALLET_EXIT_OK;
}

static int run(const struct cli_parsed *p)
{
	struct shomei_diag d;
	diag_clear(&d);
	const char *nonce = cli_value(p, "nonce"), *aud = cli_value(p, "aud");
	int list = cli_given(p, "list-claims"), no_kb = cli_given(p, "no-kb");
	if (!list && !no_kb && (!nonce || !aud)) {
		out_errorf("present", "--nonce and --aud are required (the verifier gives them), "
				      "or --no-kb");
		return WALLET_EXIT_USAGE;
	}
	unsigned columns;
	if (terminal_columns(p, &columns) != 0)
		return WALLET_EXIT_USAGE;
	struct vault *v = NULL;
	struct wallet_entry *all = NULL, *found = NULL;
	size_t n = 0;
	int rc = wallet_open(p, &v);
	if (rc)
		return rc;
	rc = wallet_entries(v, &all, &n);
	if (!rc)
		rc = wallet_find(all, n, p->pos[0], &found);
	unsigned char *sd = NULL;
	size_t sdl = 0;
	struct ed25519_key *holder = NULL;
	char *pres = NULL, *payload = NULL;
	size_t plen = 0, paylen = 0;
	const char *id = NULL;
	if (rc)
		goto out;
	id = json_string_value(json_object_get(found->json, "id"));
	char name[600];
	snprintf(name, sizeof name, "%s%s", WALLET_ITEM_SDJWT_PREFIX, id ? id : "");
	if (vault_get(v, name, &sd, &sdl, &d) != 0) {
		out_errorf(id, "has no SD-JWT VC form in this wallet (import it with --sd-jwt)");
		rc = WALLET_EXIT_REFUSED;
		goto out;
	}
	if (list) {
		rc = list_claims((const char *)sd, sdl, id);
		goto out;
	}
	/* claim names -> JSON Pointers; claims always shown are skipped */
	const char *paths[32];
	char pathbuf[32][72];
	size_t np = 0;
	json_t *dis = NULL;
	if (sdjwt_disclosable((const char *)sd, sdl, &dis, &d) != 0) {
		out_error(id, &d);
		rc = WALLET_EXIT_FAILED;
		goto out;
	}
	const char *want = cli_value(p, "disclose");
	while (want && *want) {
		const char *end = strchr(want, ',');
		size_t l = end ? (size_t)(end - want) : strlen(want);
		if (np == 32 || l == 0 || l >= sizeof pathbuf[0] - 1) {
			out_errorf("--disclose", "not a list of claim names");
			json_decref(dis);
			rc = WALLET_EXIT_USAGE;
			goto out;
		}
		snprintf(pathbuf[np], sizeof pathbuf[np], "/%.*s", (int)l, want);
		int sdable = 0;
		size_t i;
		json_t *e;
		json_array_foreach(dis, i, e) sdable |=
		    !strcmp(json_string_value(json_object_get(e, "path")), pathbuf[np]);
		if (sdable)
			paths[np] = pathbuf[np], np++;
		want = end ? end + 1 : NULL;
	}
	json_decref(dis);
	if (!no_kb && (rc = wallet_holder_key(v, &holder)) != 0)
		goto out;
	struct sdjwt_kb kb = {.holder = holder, .aud = aud, .nonce = nonce, .iat = timeutil_now()};
	if (sdjwt_present((const char *)sd, sdl, paths, np, no_kb ? NULL : &kb, &pres, &plen, &d) !=
	    0) {
		out_error(id, &d);
		rc = WALLET_EXIT_USAGE;
		goto out;
	}
	rc = WALLET_EXIT_FAILED;
	const char *png = cli_value(p, "qr-png"), *svg = cli_value(p, "qr-svg");
	const char *out = cli_value(p, "out");
	if (cli_given(p, "qr") || png || svg) {
		struct qr_code q;
		if (qrpayload_encode(pres, plen, &payload, &paylen, &d) != 0 ||
		    qr_encode(payload, paylen, &q, &d) != 0) {
			out_error(id, &d);
			goto out;
		}
		int bad = 0;
		if (png && qr_write_png(&q, 8, png, &d) != 0) {
			out_error(png, &d);
			bad = 1;
		}
		if (!bad && svg && qr_write_svg(&q, svg, &d) != 0) {
			out_error(svg, &d);
			bad = 1;
		}
		if (!bad && cli_given(p, "qr")) {
			/* square modules (half blocks) when the code fits the
			 * terminal so, else 2x2 modules a character */
			char *art = NULL;
			size_t al = 0;
			unsigned inv = cli_given(p, "qr-invert") ? QR_TEXT_INVERT : 0;
			if (qr_render_text(&q, inv, columns, &art, &al, &d) != 0 &&
			    qr_render_text(&q, inv | QR_TEXT_QUADRANTS, columns, &art, &al, &d) != 0) {
				out_error("--qr", &d);
				rc = WALLET_EXIT_USAGE; /* too narrow a terminal */
				bad = 1;
			} else {
				fputs(art, stdout);
			}
			free(art);
		}
		qr_code_release(&q);
		if (bad)
			goto out;
	} else if (out) {
		if (fileio_write_atomic(out, pres, plen, 0600, FILEIO_REPLACE, &d) != 0) {
			out_error(out, &d);
			goto out;
		}
	} else {
		printf("%s\n", pres);
	}
	rc = WALLET_EXIT_OK;
out:
	free(pres);
	free(payload);
	ed25519_key_free(holder);
	vault_free_data(sd, sdl);
	wallet_entries_free(all, n);
	vault_close(v);
	return rc;
}

const struct cli_cmd wallet_cmd_present = {
    .name = "present",
    .usage = "ID",
    .summary = "show a credential disclosing only chosen claims, bound to a verifier's nonce",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
