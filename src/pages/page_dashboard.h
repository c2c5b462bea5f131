/* page_dashboard.h - the dashboard at /__mock/ui (pure, static): one HTML page and its
 * script, embedded in the binary, no external resource. The page carries no data; the
 * script reads and drives everything through the /__mock control API on the same
 * origin, sending the admin token the operator typed (kept in sessionStorage) as
 * X-Mock-Admin-Token. Keys and tokens are shown only as the API redacts them. */
#ifndef AM_PAGE_DASHBOARD_H
#define AM_PAGE_DASHBOARD_H

#define AM_PAGE_DASHBOARD_PATH "/__mock/ui"
#define AM_PAGE_DASHBOARD_JS_PATH "/__mock/ui/app.js"

const char *am_page_dashboard_html(void); /* static */
const char *am_page_dashboard_js(void);   /* static */

#endif
