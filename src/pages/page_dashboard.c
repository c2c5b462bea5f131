/* page_dashboard.c - the dashboard's page and script (see page_dashboard.h), embedded at
 * build time from src/pages/assets/ by scripts/embed-assets. */
#include "page_dashboard.h"

extern const char am_asset_dashboard_html[];
extern const char am_asset_dashboard_js[];

const char *am_page_dashboard_html(void)
{
    return am_asset_dashboard_html;
}

const char *am_page_dashboard_js(void)
{
    return am_asset_dashboard_js;
}
