/* credit_bureau.h - the mock's credit bureau ("Serasa") report (pure).
 *
 * A deterministic fake: the score (0..1000) and the restrictions are derived from the
 * document number alone, so the same CPF/CNPJ always gets the same report; the report
 * is a one-page PDF (paybook.h). Nothing here is a real consultation. */
#ifndef AM_CREDIT_BUREAU_H
#define AM_CREDIT_BUREAU_H

#include <stddef.h>
#include <stdint.h>

struct am_bureau_facts {
    unsigned score;        /* 0..1000 */
    unsigned restrictions; /* 0..3 pending debts */
    int64_t debt_cents;    /* their total (0 without restrictions) */
};

/* The facts of document digits doc (11 or 14 digits). */
void am_credit_bureau_facts(const char *doc, struct am_bureau_facts *ret);

/* The report PDF for doc (name may be NULL) made on day. Returns 0 with *ret (malloc'ed,
 * caller frees) and *ret_len, or -ENOMEM. */
int am_credit_bureau_pdf(const char *doc, const char *name, int64_t day, uint8_t **ret,
                         size_t *ret_len);

#endif
