/* replay_main.c - runs a libFuzzer target over every file of its corpus directories, so
 * the corpus replays as an ordinary test in every build (h2o's fuzzer-replay idea). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long len;
    int rc = -1;

    if (!f)
        return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)len + 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
        goto out;
    LLVMFuzzerTestOneInput(buf, (size_t)len);
    rc = 0;
out:
    free(buf);
    fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned replayed = 0, failed = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        DIR *dir;
        struct dirent *de;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "cannot stat %s\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            failed += replay_file(argv[i]) != 0;
            replayed++;
            continue;
        }
        dir = opendir(argv[i]);
        if (!dir)
            return 1;
        while ((de = readdir(dir)) != NULL) {
            char path[4096];

            if (de->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
            failed += replay_file(path) != 0;
            replayed++;
        }
        closedir(dir);
    }
    printf("%u passed, %u failed\n", replayed - failed, failed);
    return failed == 0 && replayed > 0 ? 0 : 1;
}
