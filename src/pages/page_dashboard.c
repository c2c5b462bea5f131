/* page_dashboard.c - the dashboard's page and script (see page_dashboard.h). */
#include "page_dashboard.h"

static const char html[] = "<!doctype html><title>asaas-mock</title>";
static const char js[] = "";

const char *am_page_dashboard_html(void)
{
    return html;
}

const char *am_page_dashboard_js(void)
{
    return js;
}
