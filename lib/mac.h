/*
 * mac — MAC addresses as InfraScope stores and compares them: lower-case "aa:bb:cc:dd:ee:ff".
 * Pure functions; used by printer MAC verification (SPEC §2), IP rediscovery and the API.
 */
#ifndef INFRASCOPE_MAC_H
#define INFRASCOPE_MAC_H

#include <stdbool.h>

#define MAC_TEXT 18   /* "aa:bb:cc:dd:ee:ff" + NUL */

/*
 * mac_normalize — accept "AA:BB:CC:DD:EE:FF", "aa-bb-cc-dd-ee-ff", "aabb.ccdd.eeff" (Cisco) or
 * "aabbccddeeff" and write the canonical form into out. false (out = "") for anything else,
 * and for the all-zero and broadcast addresses, which never identify a device.
 */
bool mac_normalize(const char *in, char out[MAC_TEXT]);

enum mac_verdict {
	MAC_NOTHING_SEEN = 0,  /* the device gave no MAC: nothing to verify */
	MAC_FIRST_SEEN,        /* no MAC stored yet: adopt the one seen */
	MAC_MATCH,
	MAC_MISMATCH,          /* another device answers at this address */
};

/* mac_verify — compare the stored MAC ("" = none) with the one seen ("" = none). */
enum mac_verdict mac_verify(const char *stored, const char *seen);

#endif
