/* api_dunning.h - /v3/paymentDunnings (pure). Implemented in api_dunning.c on dunning.h.
 * Same handler shape as api_payments.h. */
#ifndef AM_API_DUNNING_H
#define AM_API_DUNNING_H

#include "api_payments.h"

AM_HANDLER(am_api_dunning_create);          /* POST /paymentDunnings (multipart or JSON) */
AM_HANDLER(am_api_dunning_list);            /* GET /paymentDunnings */
AM_HANDLER(am_api_dunning_get);             /* GET /paymentDunnings/{id} */
AM_HANDLER(am_api_dunning_history);         /* GET /paymentDunnings/{id}/history */
AM_HANDLER(am_api_dunning_partial_payments); /* GET /paymentDunnings/{id}/partialPayments */
AM_HANDLER(am_api_dunning_documents);       /* POST /paymentDunnings/{id}/documents */
AM_HANDLER(am_api_dunning_cancel);          /* POST /paymentDunnings/{id}/cancel */
AM_HANDLER(am_api_dunning_simulate);        /* POST /paymentDunnings/simulate?payment= */
AM_HANDLER(am_api_dunning_available);       /* GET /paymentDunnings/paymentsAvailableForDunning */

#endif
