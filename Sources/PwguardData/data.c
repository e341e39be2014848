// Embeds blobs/*.pwgr with the assembler's .incbin (found through the target's header search path, blobs/).
// manifest.h, rewritten with the blobs by scripts/gen-ranked-data.sh, holds their sizes and checksums: its
// change is what makes SwiftPM (which does not track .incbin inputs) recompile this file.
#include "pwguard_data.h"
#include "manifest.h"

#define PWG_EMBED(sym, file)                                                                                   \
    __asm__(".section .rodata\n"                                                                               \
            ".balign 16\n"                                                                                     \
            ".global " #sym "_start\n"                                                                         \
            ".hidden " #sym "_start\n"                                                                         \
            #sym "_start:\n"                                                                                   \
            ".incbin \"" file "\"\n"                                                                           \
            ".global " #sym "_end\n"                                                                           \
            ".hidden " #sym "_end\n"                                                                           \
            #sym "_end:\n"                                                                                     \
            ".byte 0\n"                                                                                        \
            ".previous\n");                                                                                    \
    extern const unsigned char sym##_start[], sym##_end[];

PWG_EMBED(pwg_common_passwords, "common-passwords.pwgr")
PWG_EMBED(pwg_passwords, "passwords.pwgr")
PWG_EMBED(pwg_english, "english.pwgr")
PWG_EMBED(pwg_first_names, "first-names.pwgr")
PWG_EMBED(pwg_surnames, "surnames.pwgr")

const unsigned char *pwg_data_blob(unsigned which, size_t *length) {
    const unsigned char *start, *end;
    switch (which) {
    case 0: start = pwg_common_passwords_start; end = pwg_common_passwords_end; break;
    case 1: start = pwg_passwords_start; end = pwg_passwords_end; break;
    case 2: start = pwg_english_start; end = pwg_english_end; break;
    case 3: start = pwg_first_names_start; end = pwg_first_names_end; break;
    case 4: start = pwg_surnames_start; end = pwg_surnames_end; break;
    default: *length = 0; return 0;
    }
    *length = (size_t)(end - start);
    return start;
}
