/*
 * simnet — the simulator's sockets and its control client (test code; private to sim.c).
 *
 * loopback_only: the current network namespace has no interface but lo (via if_nameindex, i.e.
 * netlink in our namespace; /sys/class/net shows the namespace of whoever mounted sysfs).
 * raise_nofile: make room for NEED descriptors; 0, or -1 with the hard limit in *HARD.
 * udp_socket: a non-blocking UDP socket with IP_PKTINFO, bound to ADDR:PORT, or to 0.0.0.0:PORT
 * on the lo device when WILDCARD; the descriptor, or -1 with ERR set.
 * send_from: send P to TO with the source address FROM (IP_PKTINFO); 0 or -1.
 * ctl_client: the --ctl mode: send each of CMDS to the control socket PATH, print each answer;
 * returns the exit status (0 all ok, 1 an error answer, 2 no connection or no answer).
 */
#ifndef SIM_SIMNET_H
#define SIM_SIMNET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

int loopback_only(void);
int raise_nofile(rlim_t need, rlim_t *hard);
int udp_socket(uint32_t addr, uint16_t port, int wildcard, char *err, size_t errlen);
int send_from(int fd, uint32_t from, const struct sockaddr_in *to, const uint8_t *p, size_t len);
int ctl_client(const char *path, char **cmds, int n);

#endif
