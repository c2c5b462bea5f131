/* api_invoices.h - /v3/fiscalInfo (and legacy /v3/customerFiscalInfo) and /v3/invoices
 * (pure). Implemented in api_invoices.c on invoices.h. Same handler shape as
 * api_payments.h. */
#ifndef AM_API_INVOICES_H
#define AM_API_INVOICES_H

#include "api_payments.h"

AM_HANDLER(am_api_fiscal_get);               /* GET /fiscalInfo, /customerFiscalInfo */
AM_HANDLER(am_api_fiscal_save);              /* POST /fiscalInfo, /customerFiscalInfo */
AM_HANDLER(am_api_fiscal_municipal_options); /* GET /fiscalInfo/municipalOptions */
AM_HANDLER(am_api_fiscal_services);          /* GET /fiscalInfo/services */
AM_HANDLER(am_api_fiscal_nbs_codes);         /* GET /fiscalInfo/nbsCodes */
AM_HANDLER(am_api_fiscal_federal_codes);     /* GET /fiscalInfo/federalServiceCodes */
AM_HANDLER(am_api_fiscal_indicator_codes);   /* GET /fiscalInfo/operationIndicatorCodes */
AM_HANDLER(am_api_fiscal_classification_codes); /* GET /fiscalInfo/taxClassificationCodes */
AM_HANDLER(am_api_fiscal_situation_codes);   /* GET /fiscalInfo/taxSituationCodes */
AM_HANDLER(am_api_fiscal_national_portal);   /* POST /fiscalInfo/nationalPortal */
AM_HANDLER(am_api_invoices_create);          /* POST /invoices */
AM_HANDLER(am_api_invoices_list);            /* GET /invoices */
AM_HANDLER(am_api_invoices_get);             /* GET /invoices/{id} */
AM_HANDLER(am_api_invoices_update);          /* PUT /invoices/{id} */
AM_HANDLER(am_api_invoices_authorize);       /* POST /invoices/{id}/authorize */
AM_HANDLER(am_api_invoices_cancel);          /* POST /invoices/{id}/cancel */

#endif
