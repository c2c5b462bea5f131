/* boleto_pdf.c - the bank slip as a PDF with libharu (see boleto_pdf.h). */
#include "boleto_pdf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <hpdf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "itf.h"
#include "page_common.h"
#include "page_invoice.h"

#define MARGIN 40.0f
#define MODULE_PT 1.0f /* one narrow ITF module: ~0.35 mm, above FEBRABAN's minimum */

/* libharu reports errors through a callback; remember the first and check at the end. */
static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    HPDF_STATUS *first = user_data;

    (void)detail_no;
    if (!*first)
        *first = error_no;
}

/* UTF-8 to WinAnsi (CP1252), the encoding of the standard Helvetica: Latin-1 letters
 * map to themselves, anything else becomes '?'. */
static void to_winansi(const char *s, char *out, size_t out_len)
{
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && o + 1 < out_len;) {
        if (*p < 0x80) {
            out[o++] = (char)(*p >= 0x20 ? *p : ' ');
            p++;
        } else if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
            unsigned cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
            out[o++] = (char)(cp >= 0xa0 && cp <= 0xff ? cp : '?');
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

static void label_value(HPDF_Page page, HPDF_Font font, HPDF_Font bold, float x, float y,
                        const char *label, const char *value)
{
    char buf[256];

    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, 7);
    to_winansi(label, buf, sizeof(buf));
    HPDF_Page_TextOut(page, x, y + 11, buf);
    HPDF_Page_SetFontAndSize(page, bold, 10);
    to_winansi(value, buf, sizeof(buf));
    HPDF_Page_TextOut(page, x, y, buf);
    HPDF_Page_EndText(page);
}

static void draw_barcode(HPDF_Page page, const char *modules, int n, float x, float y, float h)
{
    for (int i = 0; i < n;) {
        int run = 0;

        if (modules[i] != '1') {
            i++;
            continue;
        }
        while (i + run < n && modules[i + run] == '1')
            run++;
        HPDF_Page_Rectangle(page, x + (float)i * MODULE_PT, y, (float)run * MODULE_PT, h);
        i += run;
    }
    HPDF_Page_Fill(page);
}

int am_boleto_pdf(const cJSON *payment, const cJSON *slip, const cJSON *customer,
                  unsigned char **ret, size_t *ret_len)
{
    const char *line = am_page_str(slip, "identificationField");
    const char *bar = am_page_str(slip, "barCode");
    char modules[4 + 9 * 44 + 5 + 1], pretty[60], money[40], date[11], payer[200];
    HPDF_STATUS failed = 0;
    HPDF_Doc pdf = NULL;
    HPDF_Page page;
    HPDF_Font font, bold;
    HPDF_UINT32 size;
    unsigned char *bytes = NULL;
    float w, h, top;
    int n, r = -ENOMEM;

    *ret = NULL;
    *ret_len = 0;
    if (!line || !bar || (n = am_itf_modules(bar, modules, sizeof(modules))) < 0)
        return -EINVAL;
    am_page_format_line(line, pretty);
    am_page_money_json(cJSON_GetObjectItemCaseSensitive(payment, "value"), money);
    am_page_date(am_page_str(payment, "dueDate"), date);
    snprintf(payer, sizeof(payer), "%s%s%s", customer && am_page_str(customer, "name") ?
             am_page_str(customer, "name") : "", customer && am_page_str(customer, "cpfCnpj") ?
             " - CPF/CNPJ " : "", customer && am_page_str(customer, "cpfCnpj") ?
             am_page_str(customer, "cpfCnpj") : "");

    pdf = HPDF_New(on_error, &failed);
    if (!pdf)
        return -ENOMEM;
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "asaas-mock");
    HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, "Boleto (sandbox)");
    font = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding");
    bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
    page = HPDF_AddPage(pdf);
    if (failed || !page)
        goto out;
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    w = HPDF_Page_GetWidth(page);
    h = HPDF_Page_GetHeight(page);
    top = h - MARGIN;

    /* Header: bank code and the digitable line, as on every slip. */
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, bold, 14);
    HPDF_Page_TextOut(page, MARGIN, top - 14, "Asaas | " AM_BOLETO_BANK);
    HPDF_Page_SetFontAndSize(page, bold, 12);
    HPDF_Page_TextOut(page, MARGIN + 130, top - 14, pretty);
    HPDF_Page_SetFontAndSize(page, font, 8);
    HPDF_Page_TextOut(page, MARGIN, top - 30,
                      "Boleto de teste gerado pelo asaas-mock (sandbox): nao pague.");
    HPDF_Page_EndText(page);
    HPDF_Page_SetLineWidth(page, 0.8f);
    HPDF_Page_MoveTo(page, MARGIN, top - 38);
    HPDF_Page_LineTo(page, w - MARGIN, top - 38);
    HPDF_Page_Stroke(page);

    label_value(page, font, bold, MARGIN, top - 62, "Benefici\xc3\xa1rio", AM_PIX_MERCHANT_NAME);
    label_value(page, font, bold, MARGIN + 300, top - 62, "Vencimento", date);
    label_value(page, font, bold, MARGIN, top - 92, "Pagador", payer);
    label_value(page, font, bold, MARGIN + 300, top - 92, "Valor do documento", money);
    label_value(page, font, bold, MARGIN, top - 122, "Nosso n\xc3\xbamero",
                am_page_str(slip, "nossoNumero") ? am_page_str(slip, "nossoNumero") : "");
    label_value(page, font, bold, MARGIN + 300, top - 122, "N\xc3\xbamero do documento",
                am_page_str(payment, "invoiceNumber") ? am_page_str(payment, "invoiceNumber") : "");
    label_value(page, font, bold, MARGIN, top - 152, "Descri\xc3\xa7\xc3\xa3o",
                am_page_str(payment, "description") ? am_page_str(payment, "description") : "");

    /* The barcode with its quiet zone (10 modules of white on each side). */
    draw_barcode(page, modules, n, MARGIN + 10 * MODULE_PT, top - 240, 50);
    if (failed || HPDF_SaveToStream(pdf) != HPDF_OK || failed)
        goto out;
    size = HPDF_GetStreamSize(pdf);
    bytes = malloc(size ? size : 1);
    if (!bytes)
        goto out;
    if (HPDF_ReadFromStream(pdf, bytes, &size) != HPDF_OK && size == 0)
        goto out;
    *ret = bytes;
    *ret_len = size;
    bytes = NULL;
    r = 0;
out:
    free(bytes);
    HPDF_Free(pdf);
    return r;
}
