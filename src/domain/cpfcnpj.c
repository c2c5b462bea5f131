/* cpfcnpj.c - CPF/CNPJ check digits (see cpfcnpj.h). */
#include "cpfcnpj.h"

#include <string.h>

/* Mod-11 check digit over d[0..n) with the given weights: remainder < 2 gives 0,
 * otherwise 11 - remainder (the rule shared by CPF and CNPJ). */
static int check_digit(const char *d, size_t n, const int *weights)
{
    int sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += (d[i] - '0') * weights[i];
    sum %= 11;
    return sum < 2 ? 0 : 11 - sum;
}

static bool all_same(const char *d, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (d[i] != d[0])
            return false;
    }
    return true;
}

static bool cpf_valid(const char *d)
{
    static const int w1[] = {10, 9, 8, 7, 6, 5, 4, 3, 2};
    static const int w2[] = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};

    return check_digit(d, 9, w1) == d[9] - '0' && check_digit(d, 10, w2) == d[10] - '0';
}

static bool cnpj_valid(const char *d)
{
    static const int w1[] = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
    static const int w2[] = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};

    return check_digit(d, 12, w1) == d[12] - '0' && check_digit(d, 13, w2) == d[13] - '0';
}

enum am_doc_kind am_cpfcnpj_validate(const char *doc, char out[15])
{
    size_t n = 0;

    out[0] = '\0';
    if (!doc)
        return AM_DOC_INVALID;
    for (const char *p = doc; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n == 14) {
                out[0] = '\0';
                return AM_DOC_INVALID; /* too long for either document */
            }
            out[n++] = *p;
        } else if (*p != '.' && *p != '-' && *p != '/' && *p != ' ') {
            out[0] = '\0';
            return AM_DOC_INVALID;
        }
    }
    out[n] = '\0';
    if (n == 11 && !all_same(out, n) && cpf_valid(out))
        return AM_DOC_CPF;
    if (n == 14 && !all_same(out, n) && cnpj_valid(out))
        return AM_DOC_CNPJ;
    return AM_DOC_INVALID;
}
