/* api_links.h - /v3/paymentLinks, /v3/checkouts and their sandbox-style pay actions
 * (pure). Implemented in api_links.c on links.h. Same handler shape as api_payments.h. */
#ifndef AM_API_LINKS_H
#define AM_API_LINKS_H

#include "api_payments.h"

AM_HANDLER(am_api_links_create);       /* POST /paymentLinks */
AM_HANDLER(am_api_links_list);         /* GET /paymentLinks */
AM_HANDLER(am_api_links_get);          /* GET /paymentLinks/{id} */
AM_HANDLER(am_api_links_update);       /* PUT /paymentLinks/{id} */
AM_HANDLER(am_api_links_delete);       /* DELETE /paymentLinks/{id} */
AM_HANDLER(am_api_links_restore);      /* POST /paymentLinks/{id}/restore */
AM_HANDLER(am_api_link_images_add);    /* POST /paymentLinks/{id}/images (multipart) */
AM_HANDLER(am_api_link_images_list);   /* GET /paymentLinks/{id}/images */
AM_HANDLER(am_api_link_image_get);     /* GET /paymentLinks/{id}/images/{imageId} */
AM_HANDLER(am_api_link_image_delete);  /* DELETE /paymentLinks/{id}/images/{imageId} */
AM_HANDLER(am_api_link_image_set_main); /* PUT /paymentLinks/{id}/images/{imageId}/setAsMain */
AM_HANDLER(am_api_checkouts_create);   /* POST /checkouts */
AM_HANDLER(am_api_checkouts_cancel);   /* POST /checkouts/{id}/cancel */
/* Sandbox-style actions standing for the hosted pages (not Asaas routes; README). */
AM_HANDLER(am_api_sandbox_link_view);  /* POST /sandbox/paymentLinks/{id}/view */
AM_HANDLER(am_api_sandbox_link_pay);   /* POST /sandbox/paymentLinks/{id}/pay */
AM_HANDLER(am_api_sandbox_checkout_pay); /* POST /sandbox/checkouts/{id}/pay */

#endif
