/* paybook.c - payment book PDFs through libharu (see paybook.h). */
#include "paybook.h"

#include <errno.h>
#include <hpdf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

#define SLIPS_PER_PAGE 5
#define PAGE_W 595.0f /* A4 in points */
#define PAGE_H 842.0f
#define MARGIN 40.0f
#define SLIP_H 130.0f

/* libharu reports through this handler; it only records that something failed (the
 * calls then return an error code, checked once at the end through HPDF_GetError). */
static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    (void)error_no;
    (void)detail_no;
    *(bool *)user_data = true;
}

void am_paybook_format_brl(int64_t cents, char out[32])
{
    char digits[24];
    uint64_t v = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    uint64_t reais = v / 100;
    size_t n, o = 0;

    snprintf(digits, sizeof(digits), "%" PRIu64, reais);
    n = strlen(digits);
    if (cents < 0)
        out[o++] = '-';
    for (size_t i = 0; i < n; i++) {
        out[o++] = digits[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n)
            out[o++] = '.';
    }
    snprintf(out + o, 32 - o, ",%02u", (unsigned)(v % 100));
}

/* UTF-8 text as WinAnsi (Latin-1 range kept, anything else '?'); out holds len+1. */
static void to_winansi(const char *s, char *out, size_t out_len)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    while (*p && o + 1 < out_len) {
        if (*p < 0x80) {
            out[o++] = (char)*p++;
        } else if ((*p & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
            unsigned cp = ((unsigned)(*p & 0x1f) << 6) | (p[1] & 0x3f);

            out[o++] = cp >= 0xa0 && cp <= 0xff ? (char)cp : '?';
            p += 2;
        } else {
            out[o++] = '?';
            p++;
            while ((*p & 0xc0) == 0x80)
                p++;
        }
    }
    out[o] = '\0';
}

static void text(HPDF_Page page, HPDF_Font font, float size, float x, float y, const char *utf8)
{
    char buf[256];

    to_winansi(utf8, buf, sizeof(buf));
    HPDF_Page_SetFontAndSize(page, font, size);
    HPDF_Page_BeginText(page);
    HPDF_Page_TextOut(page, x, y, buf);
    HPDF_Page_EndText(page);
}

static void header(HPDF_Page page, HPDF_Font bold, HPDF_Font font, const struct am_paybook *b)
{
    char line[256];

    text(page, bold, 16, MARGIN, PAGE_H - MARGIN - 10, b->title ? b->title : "Carnê");
    snprintf(line, sizeof(line), "Beneficiário: %s", b->beneficiary ? b->beneficiary : "");
    text(page, font, 10, MARGIN, PAGE_H - MARGIN - 30, line);
    snprintf(line, sizeof(line), "Pagador: %s%s%s", b->payer ? b->payer : "",
             b->payer_doc ? " - CPF/CNPJ " : "", b->payer_doc ? b->payer_doc : "");
    text(page, font, 10, MARGIN, PAGE_H - MARGIN - 44, line);
    if (b->description) {
        snprintf(line, sizeof(line), "Descrição: %s", b->description);
        text(page, font, 10, MARGIN, PAGE_H - MARGIN - 58, line);
    }
}

static void slip(HPDF_Page page, HPDF_Font bold, HPDF_Font font, const struct am_paybook *b,
                 const struct am_paybook_row *row, float top)
{
    char line[256], due[11], value[32];

    HPDF_Page_SetLineWidth(page, 0.8f);
    HPDF_Page_Rectangle(page, MARGIN, top - SLIP_H + 10, PAGE_W - 2 * MARGIN, SLIP_H - 20);
    HPDF_Page_Stroke(page);
    am_cal_format_day(row->due_day, due);
    /* dd/mm/yyyy, as a Brazilian slip shows it */
    snprintf(line, sizeof(line), "Parcela %u/%u", row->number, b->count ? b->count : (unsigned)b->n_rows);
    text(page, bold, 12, MARGIN + 10, top - 30, line);
    snprintf(line, sizeof(line), "Vencimento: %.2s/%.2s/%.4s", due + 8, due + 5, due);
    text(page, font, 11, MARGIN + 10, top - 50, line);
    am_paybook_format_brl(row->value_cents, value);
    snprintf(line, sizeof(line), "Valor: R$ %s", value);
    text(page, bold, 11, MARGIN + 260, top - 50, line);
    snprintf(line, sizeof(line), "Cobrança: %s   Fatura nº %s", row->payment_id,
             row->invoice_number ? row->invoice_number : "-");
    text(page, font, 10, MARGIN + 10, top - 70, line);
    snprintf(line, sizeof(line), "Situação: %s", row->status ? row->status : "-");
    text(page, font, 10, MARGIN + 10, top - 88, line);
}

/* Saves the document into a new buffer: 0, or -ENOMEM when anything failed. */
static int finish(HPDF_Doc pdf, bool failed, uint8_t **ret, size_t *ret_len)
{
    HPDF_UINT32 size, got;
    uint8_t *out;

    if (failed || HPDF_SaveToStream(pdf) != HPDF_OK)
        return -ENOMEM;
    size = HPDF_GetStreamSize(pdf);
    out = malloc(size ? size : 1);
    if (!out)
        return -ENOMEM;
    got = size;
    /* The read reports HPDF_STREAM_EOF on reaching the end: the length is the test. */
    HPDF_ReadFromStream(pdf, out, &got);
    if (got != size || size == 0) {
        free(out);
        return -ENOMEM;
    }
    *ret = out;
    *ret_len = got;
    return 0;
}

int am_paybook_pdf(const struct am_paybook *book, uint8_t **ret, size_t *ret_len)
{
    bool failed = false;
    HPDF_Doc pdf;
    HPDF_Font font, bold;
    int rc;

    *ret = NULL;
    *ret_len = 0;
    if (!book || !book->rows || book->n_rows == 0)
        return -EINVAL;
    pdf = HPDF_New(on_error, &failed);
    if (!pdf)
        return -ENOMEM;
    HPDF_SetCompressionMode(pdf, HPDF_COMP_NONE);
    font = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding");
    bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
    for (size_t i = 0; !failed && i < book->n_rows; i += SLIPS_PER_PAGE) {
        HPDF_Page page = HPDF_AddPage(pdf);

        if (!page)
            break;
        HPDF_Page_SetWidth(page, PAGE_W);
        HPDF_Page_SetHeight(page, PAGE_H);
        header(page, bold, font, book);
        for (size_t k = i; k < book->n_rows && k < i + SLIPS_PER_PAGE; k++)
            slip(page, bold, font, book, &book->rows[k],
                 PAGE_H - MARGIN - 70 - (float)(k - i) * SLIP_H);
    }
    rc = finish(pdf, failed, ret, ret_len);
    HPDF_Free(pdf);
    return rc;
}

int am_paybook_lines_pdf(const char *title, const char *const *lines, size_t n, uint8_t **ret,
                         size_t *ret_len)
{
    bool failed = false;
    HPDF_Doc pdf;
    HPDF_Font font, bold;
    HPDF_Page page;
    int rc;

    *ret = NULL;
    *ret_len = 0;
    pdf = HPDF_New(on_error, &failed);
    if (!pdf)
        return -ENOMEM;
    HPDF_SetCompressionMode(pdf, HPDF_COMP_NONE);
    font = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding");
    bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
    page = HPDF_AddPage(pdf);
    if (page) {
        HPDF_Page_SetWidth(page, PAGE_W);
        HPDF_Page_SetHeight(page, PAGE_H);
        text(page, bold, 16, MARGIN, PAGE_H - MARGIN - 10, title);
        for (size_t i = 0; i < n && i < 48; i++)
            text(page, font, 11, MARGIN, PAGE_H - MARGIN - 40 - 15 * (float)i, lines[i]);
    }
    rc = finish(pdf, failed || !page, ret, ret_len);
    HPDF_Free(pdf);
    return rc;
}
