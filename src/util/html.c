/* html.c - escaping text for HTML documents (see html.h). */
#include "html.h"

#include <string.h>

#include "strbuf.h"

void am_html_text_n(struct am_strbuf *b, const char *s, size_t n)
{
    size_t start = 0;

    if (!s)
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;

        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                rep = "\xEF\xBF\xBD";
            break;
        }
        if (!rep)
            continue;
        am_strbuf_add(b, s + start, i - start);
        am_strbuf_str(b, rep);
        start = i + 1;
    }
    am_strbuf_add(b, s + start, n - start);
}

void am_html_text(struct am_strbuf *b, const char *s)
{
    if (s)
        am_html_text_n(b, s, strlen(s));
}
