/*
 * mhdver: which libmicrohttpd this build compiled against and which one it
 * loads. Prints two lines, "header X.Y.Z" (MHD_VERSION of microhttpd.h)
 * and "runtime X.Y.Z" (MHD_get_version() of the library loaded), for
 * tests/mhd-version.sh. Linked as as_server is, so it loads the same
 * library. Exit 0, or 99 when a line cannot be written.
 */
#include <stdint.h>
#include <stdio.h>

#include <microhttpd.h>

int
main(void)
{
	/* MHD_VERSION holds one version part per byte, written in hex digits
	 * that read as decimal: 0x00097500 is 0.9.75, 0x01001000 is 1.0.10. */
	const uint32_t v = (uint32_t)MHD_VERSION;
	const char *run = MHD_get_version();

	if (printf("header %x.%x.%x\n", (unsigned)(v >> 24),
		   (unsigned)((v >> 16) & 0xffu),
		   (unsigned)((v >> 8) & 0xffu)) < 0)
		return 99;
	if (printf("runtime %s\n", run != NULL ? run : "(none)") < 0)
		return 99;
	return fflush(stdout) == 0 ? 0 : 99;
}
