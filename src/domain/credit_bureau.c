/* credit_bureau.c - deterministic fake credit reports (see credit_bureau.h). */
#include "credit_bureau.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "paybook.h"

void am_credit_bureau_facts(const char *doc, struct am_bureau_facts *ret)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (const char *c = doc ? doc : ""; *c; c++)
        h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
    h ^= h >> 29;
    ret->score = (unsigned)(h % 1001);
    /* Lower scores carry restrictions, as a bureau's would. */
    ret->restrictions = ret->score >= 500 ? 0 : (unsigned)((h >> 20) % 3) + 1;
    ret->debt_cents = ret->restrictions ? (int64_t)((h >> 32) % 500000) + 5000 : 0;
}

int am_credit_bureau_pdf(const char *doc, const char *name, int64_t day, uint8_t **ret,
                         size_t *ret_len)
{
    struct am_bureau_facts f;
    char l0[128], l1[128], l2[64], l3[64], l4[96], date[11], money[32];
    const char *lines[6];

    am_credit_bureau_facts(doc, &f);
    am_cal_format_day(day, date);
    am_paybook_format_brl(f.debt_cents, money);
    snprintf(l0, sizeof(l0), "Documento consultado: %s", doc ? doc : "");
    snprintf(l1, sizeof(l1), "Nome: %s", name ? name : "-");
    snprintf(l2, sizeof(l2), "Data da consulta: %.2s/%.2s/%.4s", date + 8, date + 5, date);
    snprintf(l3, sizeof(l3), "Score: %u de 1000", f.score);
    snprintf(l4, sizeof(l4), "Restrições: %u (total R$ %s)", f.restrictions, money);
    lines[0] = l0;
    lines[1] = l1;
    lines[2] = l2;
    lines[3] = l3;
    lines[4] = l4;
    lines[5] = "Relatório simulado pelo asaas-mock: não é uma consulta real.";
    return am_paybook_lines_pdf("Relatório de crédito", lines, 6, ret, ret_len);
}
