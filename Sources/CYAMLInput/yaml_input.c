#include "yaml_input.h"

#if defined(__linux__)
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <yaml.h>

int __real_yaml_parser_update_buffer(yaml_parser_t *parser, size_t length);

static __thread int disabled;
static __thread unsigned long bytes_copied;

/* libyaml's input limit (yaml_private.h, MAX_FILE_SIZE). */
#define LARGEST_INPUT (~(size_t)0 / 2)

static int reader_error(yaml_parser_t *parser, const char *problem, size_t offset, int value) {
    parser->error = YAML_READER_ERROR;
    parser->problem = problem;
    parser->problem_offset = offset;
    parser->problem_value = value;
    return 0;
}

/* libyaml's last step of a call that has characters enough: the input's size limit. */
static int within_limit(yaml_parser_t *parser) {
    return parser->offset < LARGEST_INPUT ? 1 : reader_error(parser, "input is too long", parser->offset, -1);
}

/* libyaml's yaml_parser_update_raw_buffer (static in reader.c), step for step: moves what is left of the raw
 * buffer to its start and fills the rest from the read handler; sets `eof` when that gives nothing. */
static int refill_raw_buffer(yaml_parser_t *parser) {
    size_t size_read = 0;
    if (parser->raw_buffer.start == parser->raw_buffer.pointer && parser->raw_buffer.last == parser->raw_buffer.end)
        return 1;
    if (parser->eof)
        return 1;
    if (parser->raw_buffer.start < parser->raw_buffer.pointer && parser->raw_buffer.pointer < parser->raw_buffer.last)
        memmove(parser->raw_buffer.start, parser->raw_buffer.pointer,
                (size_t)(parser->raw_buffer.last - parser->raw_buffer.pointer));
    parser->raw_buffer.last -= parser->raw_buffer.pointer - parser->raw_buffer.start;
    parser->raw_buffer.pointer = parser->raw_buffer.start;
    if (!parser->read_handler(parser->read_handler_data, parser->raw_buffer.last,
                              (size_t)(parser->raw_buffer.end - parser->raw_buffer.last), &size_read))
        return reader_error(parser, "input error", parser->offset, -1);
    parser->raw_buffer.last += size_read;
    if (!size_read)
        parser->eof = 1;
    return 1;
}

/* The ASCII characters YAML allows in a stream: tab, line feed, carriage return and the printable ones. */
static int is_allowed_ascii(unsigned char byte) {
    return (byte >= 0x20 && byte <= 0x7E) || byte == 0x09 || byte == 0x0A || byte == 0x0D;
}

/* The width libyaml gives a character from its first byte; 1 for the bytes it refuses at once. */
static size_t character_width(unsigned char byte) {
    return (byte & 0xE0) == 0xC0 ? 2 : (byte & 0xF0) == 0xE0 ? 3 : (byte & 0xF8) == 0xF0 ? 4 : 1;
}

/* Hands a raw buffer whose next byte is not plain ASCII to libyaml, so that it ends as libyaml's own call would
 * have: libyaml decodes a raw buffer to its end (refusing a bad character as soon as it reaches it) and refills
 * only while fewer than `length` characters are ready; it waits for the rest of a character the raw buffer cut. */
static int decode_rest(yaml_parser_t *parser, size_t length, const unsigned char *raw, const unsigned char *end) {
    if (character_width(*raw) > (size_t)(end - raw) && !parser->eof) {
        return parser->unread < length ? __real_yaml_parser_update_buffer(parser, length) : within_limit(parser);
    }
    /* At least one more character is decoded (or refused): asking for one more than ready decodes the rest. */
    return __real_yaml_parser_update_buffer(parser, parser->unread < length ? length : parser->unread + 1);
}

int __wrap_yaml_parser_update_buffer(yaml_parser_t *parser, size_t length) {
    if (disabled || parser->encoding != YAML_UTF8_ENCODING || parser->error != YAML_NO_ERROR || !parser->read_handler)
        return __real_yaml_parser_update_buffer(parser, length);
    if (parser->eof && parser->raw_buffer.pointer == parser->raw_buffer.last)
        return 1;
    if (parser->unread >= length)
        return 1;

    /* Move the unread characters to the start of the buffer, as libyaml does. */
    if (parser->buffer.start < parser->buffer.pointer && parser->buffer.pointer < parser->buffer.last) {
        size_t size = (size_t)(parser->buffer.last - parser->buffer.pointer);
        memmove(parser->buffer.start, parser->buffer.pointer, size);
        parser->buffer.pointer = parser->buffer.start;
        parser->buffer.last = parser->buffer.start + size;
    } else if (parser->buffer.pointer == parser->buffer.last) {
        parser->buffer.pointer = parser->buffer.start;
        parser->buffer.last = parser->buffer.start;
    }

    int first = 1;
    while (parser->unread < length) {
        if (!first || parser->raw_buffer.pointer == parser->raw_buffer.last) {
            if (!refill_raw_buffer(parser))
                return 0;
        }
        first = 0;

        const unsigned char *raw = parser->raw_buffer.pointer;
        const unsigned char *end = parser->raw_buffer.last;
        unsigned char *out = parser->buffer.last;
        while (raw < end && is_allowed_ascii(*raw))
            *out++ = *raw++;
        size_t copied = (size_t)(raw - parser->raw_buffer.pointer);
        parser->raw_buffer.pointer = (unsigned char *)raw;
        parser->buffer.last = out;
        parser->offset += copied;
        parser->unread += copied;
        bytes_copied += copied;

        if (raw != end)
            return decode_rest(parser, length, raw, end);
        if (parser->eof) {
            *(parser->buffer.last++) = '\0';
            parser->unread++;
            return 1;
        }
    }
    return within_limit(parser);
}

void keos_yaml_input_shortcut(int enabled) {
    disabled = !enabled;
}

unsigned long keos_yaml_input_bytes_copied_on_this_thread(void) {
    return bytes_copied;
}

#else

void keos_yaml_input_shortcut(int enabled) {
    (void)enabled;
}

unsigned long keos_yaml_input_bytes_copied_on_this_thread(void) {
    return 0;
}

#endif
