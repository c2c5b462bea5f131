/* boleto_pdf.h - the bank slip as a PDF (bankSlipUrl, /b/pdf/<id without pay_>), drawn
 * with libharu (pure: memory in, bytes out; no file, no socket).
 *
 * The slip shows the digitable line as text (pdftotext reads it back), the ITF barcode
 * of the 44-digit number (itf.h) as filled rectangles, and the payer, due date, value
 * and nossoNumero, from the same JSON the API answers. Inputs are borrowed. */
#ifndef AM_BOLETO_PDF_H
#define AM_BOLETO_PDF_H

#include <stddef.h>

struct cJSON;

/* payment: the payment object; slip: billingInfo's bankSlip {identificationField,
 * barCode, nossoNumero}; customer may be NULL. Returns 0 with *ret (new; free) and
 * *ret_len, -EINVAL when slip lacks the line or the barcode, or -ENOMEM. */
int am_boleto_pdf(const struct cJSON *payment, const struct cJSON *slip,
                  const struct cJSON *customer, unsigned char **ret, size_t *ret_len);

#endif
