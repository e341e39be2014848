// The built-in ranked lists, embedded in the binary as bytes (blobs/*.pwgr, the format of RankedList.swift,
// built by scripts/gen-ranked-data.sh). C only because `.incbin` needs an assembler; Swift reads the bytes in
// place through BuiltinData.swift.
#ifndef PWGUARD_DATA_H
#define PWGUARD_DATA_H
#include <stddef.h>

/// Blob `which` (0 common-passwords, 1 passwords, 2 english, 3 first-names, 4 surnames): its first byte and
/// length; NULL for an unknown number.
const unsigned char *pwg_data_blob(unsigned which, size_t *length);

#endif
