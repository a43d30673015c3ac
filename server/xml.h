/*
 * xml: text for XML documents written by hand (the Subsonic answers, the
 * UPnP descriptions and DIDL-Lite).
 */
#ifndef AS_XML_H
#define AS_XML_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Append s[0..n) escaped for XML 1.0 text or an attribute value, so that
 * the document always parses and says what s says where it can: the five
 * markup characters as entities; tab, newline and carriage return as
 * character references (attribute normalization keeps them); other control
 * characters, which XML 1.0 cannot carry, as U+FFFD; and, when s is not
 * valid UTF-8 (a file name can be anything), every byte past ASCII as
 * U+FFFD too.
 */
void xml_escape(struct strbuf *b, const char *s, size_t n);
/* The same for a string. */
void xml_escape_str(struct strbuf *b, const char *s);

#endif
