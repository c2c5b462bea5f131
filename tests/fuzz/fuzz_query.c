/* fuzz_query.c - am_query_parse over arbitrary bytes: every parameter must be readable
 * back, the decoded strings must stay within the input's length, and nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct am_query q;
    char *text = malloc(size + 1);
    size_t len;

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    len = strlen(text); /* the parser sees up to the first NUL, like a C caller would */
    if (am_query_parse(text, &q) == 0) {
        for (size_t i = 0; i < q.n; i++) {
            const char *v = am_query_get(&q, q.params[i].key);

            /* Decoding only ever shrinks: a longer result means a buffer bug. */
            if (!v || strlen(q.params[i].key) > len || strlen(q.params[i].value) > len ||
                strlen(v) > len)
                abort();
        }
        if (q.n > AM_QUERY_MAX_PARAMS)
            abort();
    } else if (q.n != 0) {
        abort(); /* failures leave q empty */
    }
    am_query_finish(&q);
    free(text);
    return 0;
}
