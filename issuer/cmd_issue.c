#include "issuer.h"

#include "credential.h"
#include "csv.h"
#include "dataint.h"
#include "diploma_sd.h"
#include "fileio.h"
#include "jsonin.h"
#include "timeutil.h"
#include "uuid.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A class export is at most this large (some 100,000 rows). */
#define ISSUE_MAX_CSV_BYTES (64u << 20)
#define ISSUE_MAX_ROWS	    100000
#define ISSUE_FILE_NAME_MAX 80

static const struct cli_opt opts[] = {
    {"dir", 'd', CLI_VALUE, "DIR", "the institution's folder (default $SHOMEI_ISSUER_DIR)", 0},
    {"csv", 0, CLI_VALUE, "FILE", "issue one credential per row of a class CSV", 1},
    {"claims", 'c', CLI_VALUE, "FILE", "read one credential's claims from a JSON file", 1},
    {"out", 'o', CLI_VALUE, "PATH",
     "write to PATH: a file ('-' = stdout, the default) or, with --csv, a folder", 0},
    {"holder", 0, CLI_VALUE, "DID", "the graduate's did:key", 0},
    {"name", 0, CLI_VALUE, "NAME", "the graduate's name", 0},
    {"student-id", 0, CLI_VALUE, "ID", "the student number", 0},
    {"birth-date", 0, CLI_VALUE, "DATE", "the graduate's date of birth, YYYY-MM-DD", 0},
    {"type", 0, CLI_VALUE, "TYPE", "Open Badges 3.0 achievementType, e.g. BachelorDegree", 0},
    {"degree", 0, CLI_VALUE, "NAME", "the degree or qualification, e.g. 学士（工学）", 0},
    {"field", 0, CLI_VALUE, "FIELD", "the field of study", 0},
    {"description", 0, CLI_VALUE, "TEXT", "a description of the achievement", 0},
    {"conferral-date", 0, CLI_VALUE, "DATE", "the date the degree was conferred, YYYY-MM-DD", 0},
    {"valid-from", 0, CLI_VALUE, "TIME", "validFrom (RFC 3339; default: now)", 0},
    {"valid-until", 0, CLI_VALUE, "TIME", "validUntil (RFC 3339; default: none)", 0},
    {"grades", 0, CLI_VALUE, "TEXT", "the grades, e.g. GPA 3.6/4.0", 0},
    {"honours", 0, CLI_VALUE, "TEXT", "the honours, e.g. magna cum laude", 0},
    CLI_OPTS_PASSPHRASE,
    CLI_OPTS_LEDGER,
    {"disclosable", 0, CLI_VALUE, "CLAIMS",
     "claims the SD-JWT VC form makes selectively disclosable (default " DIPLOMA_SD_DEFAULT ")",
     0},
    {"no-anchor", 0, CLI_FLAG, NULL,
     "do not anchor on the ledger (verifiers will find such credentials invalid or untrusted)",
     0},
    {"json", 0, CLI_FLAG, NULL, "print the summary as JSON", 0},
};

/* Command-line options that set a claim, and the claim each sets. */
static const struct {
	const char *option;
	const char *claim;
} claim_opts[] = {
    {"holder", "holder"},
    {"name", "name"},
    {"student-id", "studentId"},
    {"birth-date", "birthDate"},
    {"type", "achievementType"},
    {"degree", "degree"},
    {"field", "fieldOfStudy"},
    {"description", "description"},
    {"conferral-date", "conferralDate"},
    {"valid-from", "validFrom"},
    {"valid-until", "validUntil"},
    {"grades", "grades"},
    {"honours", "honours"},
};
#define N_CLAIM_OPTS (sizeof claim_opts / sizeof claim_opts[0])

/* One credential on its way out: signed in memory first, written last, so a
 * batch is all signed (and, with the ledger, anchored) before any file lands. */
struct pending {
	size_t line; /* CSV line, 0 for a single credential */
	char file[ISSUE_FILE_NAME_MAX];
	char id[UUID_URN_BYTES];
	unsigned char digest[RECORD_HASH_BYTES]; /* what the anchor records */
	char *text;
	unsigned char sd_digest[RECORD_HASH_BYTES]; /* the SD-JWT VC form's */
	char *sd_text;
};

/* What the SD-JWT VC form of each credential needs. */
struct sdform {
	const struct ed25519_key *key;
	char *paths[DIPLOMA_SD_MAX_CLAIMS];
	size_t n;
};

static int sign_one(const struct credential_claims *c, const struct institution *inst,
		    const struct dataint_signer *signer, const struct sdform *sf, int64_t now,
		    struct pending *out, struct shomei_diag *d)
{
	if (uuid_urn_random(out->id) != 0)
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "cannot make an identifier");
	struct credential_issuer iss = {.did = inst->did, .name = inst->name};
	json_t *vc = NULL;
	int err = credential_build(c, &iss, out->id, now, &vc, d);
	size_t len = 0;
	char *text = NULL;
	if (!err)
		err = dataint_signer_sign_digest(signer, vc, RECORD_CREDENTIAL_CONTEXT, out->digest,
						 &text, &len, d);
	json_decref(vc);
	if (err)
		return err;
	/* Canonical JSON (RFC 8785), one line: the bytes that were signed. */
	out->text = realloc(text, len + 2);
	if (!out->text) {
		free(text);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	out->text[len] = '\n';
	out->text[len + 1] = '\0';
	/* the SD-JWT VC form: same claims, id and time */
	char *sd = NULL;
	size_t sdl = 0;
	err = diploma_sd_issue(c, &iss, out->id, now, sf->key, inst->vm, sf->paths, sf->n, &sd, &sdl,
			       out->sd_digest, d);
	if (err)
		return err;
	out->sd_text = realloc(sd, sdl + 2);
	if (!out->sd_text) {
		free(sd);
		return diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	}
	out->sd_text[sdl] = '\n';
	out->sd_text[sdl + 1] = '\0';
	return 0;
}

/* One signer for the whole job: the proof options are the same for every
 * credential of a batch. */
static int signer_for(const struct institution *inst, const struct ed25519_key *key, int64_t now,
		      struct dataint_signer *signer, struct shomei_diag *d)
{
	char created[TIMEUTIL_RFC3339_BYTES];
	if (timeutil_format(now, created) != 0)
		return diag_set(d, SHOMEI_ERR_INVALID, NULL, "the clock is out of range");
	struct dataint_proof_options po = {
	    .verification_method = inst->vm,
	    .created = created,
	    .proof_purpose = "assertionMethod",
	};
	json_t *ctx = credential_context_new();
	int err = ctx ? dataint_signer_init(signer, key, &po, ctx, d)
		      : diag_set(d, SHOMEI_ERR_NOMEM, NULL, "out of memory");
	json_decref(ctx);
	return err;
}

/* A file name from the student number when it is safe as one, else the line. */
static void file_name_for(const struct credential_claims *c, size_t line, char *out, size_t cap)
{
	const char *s = c->student_id;
	int safe = s && *s && s[0] != '.' && strlen(s) <= 64;
	for (const char *q = s; safe && *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		      (*q >= '0' && *q <= '9') || *q == '-' || *q == '_' || *q == '.'))
			safe = 0;
	if (safe)
		snprintf(out, cap, "%s.json", s);
	else
		snprintf(out, cap, "line-%06zu.json", line);
}

static int claims_from_options(const struct cli_parsed *p, struct credential_claims *c,
			       json_t **claims_json, struct shomei_diag *d)
{
	memset(c, 0, sizeof *c);
	*claims_json = NULL;
	const char *file = cli_value(p, "claims");
	if (file) {
		int err = jsonin_load(file, claims_json, d);
		if (!err)
			err = credential_claims_from_json(*claims_json, c, d);
		if (err) {
			diag_prefix(d, "");
			return err;
		}
	}
	for (size_t i = 0; i < N_CLAIM_OPTS; i++) {
		const char *v = cli_value(p, claim_opts[i].option);
		if (v && credential_claims_set(c, claim_opts[i].claim, v, d) != 0)
			return SHOMEI_ERR_USAGE;
	}
	return 0;
}

static int write_pending(const char *path, const struct pending *pe, struct shomei_diag *d)
{
	int e = fileio_write_atomic(path, pe->text, strlen(pe->text), 0644, FILEIO_NO_REPLACE, d);
	if (e || !strcmp(path, "-"))
		return e;
	char sd[4200];
	diploma_sd_file_for(path, sd, sizeof sd);
	e = fileio_write_atomic(sd, pe->sd_text, strlen(pe->sd_text), 0644, FILEIO_NO_REPLACE, d);
	if (e)
		diag_prefix(d, sd);
	return e;
}

/* Anchors the digests of rows[0..n) (those with line != 0 when `skip_lines`)
 * on the ledger: RECORD_ANCHOR_BATCH digests a record, all records in one
 * append, signed with the institution's key. Nothing is written before this
 * returns 0. Prints its own errors. */
static int anchor(const struct cli_parsed *p, const struct institution *inst,
		  const struct ed25519_key *key, const struct pending *rows, size_t n,
		  int skip_lines)
{
	if (cli_given(p, "no-anchor"))
		return 0;
	struct lstate *s = NULL;
	char id[RECORD_ID_BYTES];
	int rc = issuer_ledger_open(p, &s);
	if (!rc)
		rc = issuer_own_institution(s, inst, id, sizeof id);
	if (rc) {
		lstate_free(s);
		return ISSUER_EXIT_FAILED;
	}
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += 2 * (!skip_lines || rows[i].line); /* both forms */
	size_t nrec = (count + RECORD_ANCHOR_BATCH - 1) / RECORD_ANCHOR_BATCH;
	unsigned char(*h)[RECORD_HASH_BYTES] = calloc(count ? count : 1, sizeof *h);
	char **recs = calloc(nrec ? nrec : 1, sizeof *recs);
	size_t *lens = calloc(nrec ? nrec : 1, sizeof *lens);
	rc = ISSUER_EXIT_FAILED;
	if (!h || !recs || !lens) {
		out_errorf(NULL, "out of memory");
		goto out;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!skip_lines || rows[i].line) {
			memcpy(h[k++], rows[i].digest, RECORD_HASH_BYTES);
			memcpy(h[k++], rows[i].sd_digest, RECORD_HASH_BYTES);
		}
	int64_t now = timeutil_now();
	for (size_t r = 0; r < nrec; r++) {
		size_t from = r * RECORD_ANCHOR_BATCH;
		size_t m = count - from < RECORD_ANCHOR_BATCH ? count - from : RECORD_ANCHOR_BATCH;
		struct record_fields f = {.type = RECORD_ANCHOR,
					  .time = now,
					  .institution = id,
					  .hashes = (const unsigned char(*)[RECORD_HASH_BYTES])(h + from),
					  .nhashes = m};
		if (issuer_record_sign(&f, key, &recs[r], &lens[r]) != 0)
			goto out;
	}
	rc = nrec ? issuer_ledger_append(p, s, recs, lens, nrec, NULL) : 0;
	if (rc == ISSUER_EXIT_PARTIAL) {
		out_errorf(NULL, "the ledger did not accept the anchor: no credential was written");
		rc = ISSUER_EXIT_FAILED;
	}
out:
	for (size_t r = 0; recs && r < nrec; r++)
		free(recs[r]);
	free(recs);
	free(lens);
	free(h);
	lstate_free(s);
	return rc;
}

static int issue_single(const struct cli_parsed *p, const struct institution *inst)
{
	struct shomei_diag d;
	diag_clear(&d);
	struct credential_claims c;
	json_t *claims_json = NULL;
	const char *subject = cli_value(p, "claims") ? cli_value(p, "claims") : "claims";
	if (claims_from_options(p, &c, &claims_json, &d) != 0 ||
	    credential_claims_check(&c, &d) != 0) {
		out_error(subject, &d);
		json_decref(claims_json);
		return ISSUER_EXIT_USAGE;
	}
	struct ed25519_key *key = NULL;
	if (institution_unlock(p, inst, &key) != 0) {
		json_decref(claims_json);
		return ISSUER_EXIT_FAILED;
	}
	struct pending pe = {0};
	int rc = ISSUER_EXIT_FAILED;
	const char *out = cli_value(p, "out") ? cli_value(p, "out") : "-";
	int64_t now = timeutil_now();
	struct dataint_signer signer;
	if (signer_for(inst, key, now, &signer, &d) != 0) {
		out_error(NULL, &d);
		goto done;
	}
	struct sdform sf = {.key = key};
	if (diploma_sd_paths(cli_value(p, "disclosable") ? cli_value(p, "disclosable")
							  : DIPLOMA_SD_DEFAULT,
			     sf.paths, &sf.n, &d) != 0) {
		dataint_signer_release(&signer);
		out_error("--disclosable", &d);
		rc = ISSUER_EXIT_USAGE;
		goto done;
	}
	int err = sign_one(&c, inst, &signer, &sf, now, &pe, &d);
	diploma_sd_paths_free(sf.paths, sf.n);
	dataint_signer_release(&signer);
	if (err) {
		out_error(subject, &d);
		goto done;
	}
	if ((rc = anchor(p, inst, key, &pe, 1, 0)) != 0)
		goto done;
	rc = ISSUER_EXIT_FAILED;
	if (write_pending(out, &pe, &d) != 0) {
		out_error(out, &d);
		goto done;
	}
	if (cli_given(p, "json") && strcmp(out, "-") != 0)
		out_json(json_pack("{s:i, s:[{s:s, s:s}], s:[]}", "version", 1, "issued", "id",
				   pe.id, "file", out, "refused"));
	rc = ISSUER_EXIT_OK;
done:
	ed25519_key_free(key);
	free(pe.text);
	free(pe.sd_text);
	json_decref(claims_json);
	return rc;
}

struct row_error {
	size_t line;
	char reason[DIAG_WHERE_BYTES + DIAG_WHAT_BYTES + 4];
};

struct batch {
	struct pending *rows;
	size_t n;
	struct row_error *errors;
	size_t nerrors;
	struct credential_claims *claims; /* per row; strings borrow from the copies below */
	char **cells;			  /* owned copies of every cell */
	size_t ncells;
};

static void batch_release(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->rows[i].text);
		free(b->rows[i].sd_text);
	}
	for (size_t i = 0; i < b->ncells; i++)
		free(b->cells[i]);
	free(b->rows);
	free(b->errors);
	free(b->claims);
	free(b->cells);
	memset(b, 0, sizeof *b);
}

static void refuse(struct batch *b, const char *csv, size_t line, const struct shomei_diag *d)
{
	struct row_error *e = &b->errors[b->nerrors++];
	e->line = line;
	diag_format(d, e->reason, sizeof e->reason);
	char subject[4200];
	snprintf(subject, sizeof subject, "%s: line %zu", csv, line);
	out_error(subject, d);
}

/* Pass 1: read the whole CSV and check every row, so that a malformed file is
 * refused before anything is signed and bad rows are reported with their line. */
static int read_class(const char *csv, struct batch *b, int *fatal)
{
	struct shomei_diag d;
	diag_clear(&d);
	*fatal = 1;
	char *data = NULL;
	size_t len = 0;
	if (fileio_read(csv, ISSUE_MAX_CSV_BYTES, &data, &len, &d) != 0) {
		out_error(csv, &d);
		return SHOMEI_ERR_IO;
	}
	struct csv_reader *r = csv_reader_new(data, len);
	int err = SHOMEI_ERR_NOMEM;
	int columns[CSV_MAX_FIELDS];
	size_t ncolumns = 0;
	struct csv_record rec;
	size_t cap = 0;
	if (!r)
		goto out;
	err = csv_next(r, &rec, &d);
	if (err <= 0) {
		if (err == 0)
			diag_set(&d, SHOMEI_ERR_INVALID, NULL, "empty: no header row");
		out_error(csv, &d);
		err = SHOMEI_ERR_INVALID;
		goto out;
	}
	ncolumns = rec.nfields;
	for (size_t i = 0; i < rec.nfields; i++) {
		columns[i] = -1;
		for (int k = 0; credential_claim_names[k]; k++)
			if (strcmp(rec.fields[i], credential_claim_names[k]) == 0)
				columns[i] = k;
		if (columns[i] < 0) {
			out_errorf(csv,
				   "line %zu: unknown column \"%.64s\" (see docs/credential.md)",
				   rec.line, rec.fields[i]);
			err = SHOMEI_ERR_INVALID;
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (columns[j] == columns[i]) {
				out_errorf(csv, "line %zu: column \"%s\" appears twice", rec.line,
					   rec.fields[i]);
				err = SHOMEI_ERR_INVALID;
				goto out;
			}
	}
	for (;;) {
		err = csv_next(r, &rec, &d);
		if (err == 0)
			break;
		if (err < 0) {
			out_error(csv, &d);
			goto out;
		}
		if (b->n >= ISSUE_MAX_ROWS) {
			out_errorf(csv, "more than %d rows; split the class", ISSUE_MAX_ROWS);
			err = SHOMEI_ERR_LIMIT;
			goto out;
		}
		if (b->n == cap) {
			cap = cap ? cap * 2 : 64;
			struct pending *rows = realloc(b->rows, cap * sizeof *rows);
			if (rows)
				b->rows = rows;
			struct credential_claims *cl = realloc(b->claims, cap * sizeof *cl);
			if (cl)
				b->claims = cl;
			struct row_error *re = realloc(b->errors, cap * sizeof *re);
			if (re)
				b->errors = re;
			char **cells = realloc(b->cells, cap * CSV_MAX_FIELDS * sizeof *cells);
			if (cells)
				b->cells = cells;
			if (!rows || !cl || !re || !cells) {
				err = SHOMEI_ERR_NOMEM;
				goto out;
			}
		}
		struct credential_claims *c = &b->claims[b->n];
		memset(c, 0, sizeof *c);
		diag_clear(&d);
		int row_err = 0;
		if (rec.nfields != ncolumns) {
			row_err =
			    diag_set(&d, SHOMEI_ERR_INVALID, NULL,
				     "%zu fields where the header has %zu", rec.nfields, ncolumns);
		}
		for (size_t i = 0; !row_err && i < rec.nfields; i++) {
			char *cell = strdup(rec.fields[i]);
			if (!cell) {
				err = SHOMEI_ERR_NOMEM;
				goto out;
			}
			b->cells[b->ncells++] = cell;
			row_err =
			    credential_claims_set(c, credential_claim_names[columns[i]], cell, &d);
		}
		if (!row_err)
			row_err = credential_claims_check(c, &d);
		char file[ISSUE_FILE_NAME_MAX];
		if (!row_err) {
			file_name_for(c, rec.line, file, sizeof file);
			for (size_t j = 0; j < b->n; j++)
				if (b->rows[j].line && strcmp(b->rows[j].file, file) == 0)
					row_err = diag_set(&d, SHOMEI_ERR_INVALID, "studentId",
							   "same as on line %zu", b->rows[j].line);
		}
		struct pending *pe = &b->rows[b->n];
		memset(pe, 0, sizeof *pe);
		if (row_err) {
			refuse(b, csv, rec.line, &d);
			pe->line = 0; /* refused: not issued */
		} else {
			pe->line = rec.line;
			snprintf(pe->file, sizeof pe->file, "%s", file);
		}
		b->n++;
	}
	*fatal = 0;
	err = 0;
out:
	if (err == SHOMEI_ERR_NOMEM)
		out_errorf(csv, "out of memory");
	csv_reader_free(r);
	free(data);
	return err;
}

static int issue_class(const struct cli_parsed *p, const struct institution *inst)
{
	struct shomei_diag d;
	diag_clear(&d);
	const char *csv = cli_value(p, "csv");
	const char *out_dir = cli_value(p, "out");
	for (size_t i = 0; i < N_CLAIM_OPTS; i++)
		if (cli_given(p, claim_opts[i].option)) {
			out_errorf(NULL, "--%s cannot be used with --csv: the CSV gives the claims",
				   claim_opts[i].option);
			return ISSUER_EXIT_USAGE;
		}
	if (!out_dir || strcmp(out_dir, "-") == 0) {
		out_errorf(NULL, "--csv needs --out FOLDER for the credentials");
		return ISSUER_EXIT_USAGE;
	}
	struct batch b = {0};
	int fatal = 0;
	if (read_class(csv, &b, &fatal) != 0 && fatal) {
		batch_release(&b);
		return ISSUER_EXIT_USAGE;
	}
	size_t todo = 0;
	for (size_t i = 0; i < b.n; i++)
		todo += b.rows[i].line != 0;
	if (fileio_mkdirs(out_dir, 0755, &d) != 0) {
		out_error(out_dir, &d);
		batch_release(&b);
		return ISSUER_EXIT_FAILED;
	}
	struct ed25519_key *key = NULL;
	if (todo && institution_unlock(p, inst, &key) != 0) {
		batch_release(&b);
		return ISSUER_EXIT_FAILED;
	}

	int rc = ISSUER_EXIT_FAILED;
	int64_t now = timeutil_now();
	size_t done = 0;
	struct dataint_signer signer;
	memset(&signer, 0, sizeof signer);
	if (todo && signer_for(inst, key, now, &signer, &d) != 0) {
		out_error(NULL, &d);
		ed25519_key_free(key);
		batch_release(&b);
		return ISSUER_EXIT_FAILED;
	}
	struct sdform sf = {.key = key};
	if (todo && diploma_sd_paths(cli_value(p, "disclosable") ? cli_value(p, "disclosable")
								  : DIPLOMA_SD_DEFAULT,
				     sf.paths, &sf.n, &d) != 0) {
		out_error("--disclosable", &d);
		dataint_signer_release(&signer);
		ed25519_key_free(key);
		batch_release(&b);
		return ISSUER_EXIT_USAGE;
	}
	for (size_t i = 0; i < b.n; i++) {
		struct pending *pe = &b.rows[i];
		if (!pe->line)
			continue;
		if (sign_one(&b.claims[i], inst, &signer, &sf, now, pe, &d) != 0) {
			refuse(&b, csv, pe->line, &d);
			pe->line = 0;
		}
		out_progress("signing", ++done, todo);
	}
	out_progress_end();
	dataint_signer_release(&signer);
	diploma_sd_paths_free(sf.paths, sf.n);
	if (todo && (rc = anchor(p, inst, key, b.rows, b.n, 1)) != 0) {
		ed25519_key_free(key);
		batch_release(&b);
		return rc;
	}

	size_t issued = 0;
	json_t *report = json_pack("{s:i, s:[], s:[]}", "version", 1, "issued", "refused");
	done = 0;
	for (size_t i = 0; i < b.n; i++) {
		struct pending *pe = &b.rows[i];
		if (!pe->line)
			continue;
		char path[4096 + ISSUE_FILE_NAME_MAX];
		snprintf(path, sizeof path, "%s/%s", out_dir, pe->file);
		if (write_pending(path, pe, &d) != 0) {
			refuse(&b, csv, pe->line, &d);
			pe->line = 0;
		} else {
			issued++;
			if (report)
				json_array_append_new(json_object_get(report, "issued"),
						      json_pack("{s:i, s:s, s:s}", "line",
								(int)pe->line, "id", pe->id, "file",
								path));
		}
		out_progress("writing", ++done, todo);
	}
	out_progress_end();
	for (size_t i = 0; report && i < b.nerrors; i++)
		json_array_append_new(json_object_get(report, "refused"),
				      json_pack("{s:i, s:s}", "line", (int)b.errors[i].line,
						"reason", b.errors[i].reason));
	if (cli_given(p, "json")) {
		out_json(report);
		report = NULL;
	} else {
		printf("issued %zu credential%s into %s", issued, issued == 1 ? "" : "s", out_dir);
		if (b.nerrors)
			printf(" (%zu row%s refused)", b.nerrors, b.nerrors == 1 ? "" : "s");
		printf("\n");
	}
	json_decref(report);
	rc = b.nerrors ? ISSUER_EXIT_PARTIAL : ISSUER_EXIT_OK;
	ed25519_key_free(key);
	batch_release(&b);
	return rc;
}

static int run(const struct cli_parsed *p)
{
	struct institution inst;
	if (institution_load(p, &inst) != 0)
		return ISSUER_EXIT_USAGE;
	if (cli_given(p, "csv"))
		return issue_class(p, &inst);
	return issue_single(p, &inst);
}

const struct cli_cmd issuer_cmd_issue = {
    .name = "issue",
    .usage = NULL,
    .summary = "sign credentials: one from options or --claims, or a class from --csv",
    .opts = opts,
    .nopts = sizeof opts / sizeof opts[0],
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
