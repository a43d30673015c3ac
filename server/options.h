/*
 * options: as_server's command line, one table of every option with its
 * field in struct config, its kind and its bounds. Errors print one line
 * that says what was wrong and what would be right, then exit 2.
 */
#ifndef AS_OPTIONS_H
#define AS_OPTIONS_H

#include "conf.h"

/* Fill cfg (already holding the defaults) from argv; may exit. */
void options_parse(int argc, char **argv, struct config *cfg);

#endif
