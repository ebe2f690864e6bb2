#ifndef KEOS_PROMOTE_YAML_INPUT_H
#define KEOS_PROMOTE_YAML_INPUT_H

/*
 * libyaml decodes its UTF-8 input one character at a time (reader.c, yaml_parser_update_buffer): width, validity,
 * the characters YAML allows, then the character written back out, about 30 instructions a byte (7 M of a
 * medium diff's YAML). On Linux the executable is linked with `--wrap=yaml_parser_update_buffer`
 * (Package.swift; the scanner calls it from another object file): for a parser whose encoding is UTF-8, runs of
 * the ASCII characters YAML allows (tab, line feed, carriage return, space to tilde) are copied as they are, with
 * the same bookkeeping as libyaml's (offset, unread count, raw buffer refills, the NUL at the end of the input,
 * the size limit). At any other byte, and for any other encoding, libyaml's own function takes over from there,
 * so multi-byte characters, control characters and their errors are libyaml's.
 */

/** Turns the shortcut off (0) or on (anything else) for the calling thread, for tests that compare the two. */
void keos_yaml_input_shortcut(int enabled);

/** How many bytes the shortcut copied on the calling thread so far (for tests; 0 elsewhere than Linux). */
unsigned long keos_yaml_input_bytes_copied_on_this_thread(void);

#endif
