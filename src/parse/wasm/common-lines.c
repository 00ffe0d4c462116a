/*
 * The common lines of an strace log, scanned in WebAssembly: what
 * scanCommonLines (../common-lines.ts) reads. A line of one of the shapes
 * nearly every line of an `strace -f` trace has,
 *
 *   PID name(args) = N          PID name(args <unfinished ...>
 *   PID <... name resumed>args) = N
 *
 * maybe with -t/-tt/-ttt times, -n and -i brackets after the pid, a -y
 * decoration after the value, a (...) comment and a -T duration, is
 * described by a record of where its parts are; any other line gets a record
 * of kind NONE and is left to the general parser (line.ts), which reads every
 * line this one reads the same way (the tests hold the two to it).
 *
 * The grammar is line.ts's: its findCloseParen, skipStamps (TIMESTAMP and
 * BRACKETED as a JavaScript regular expression matches them) and result
 * parsing, on bytes. The text comes with PADDING zero bytes before and
 * after it: reading past its ends finds a NUL, which matches nothing here, as
 * charCodeAt's NaN does, so no read checks its bounds.
 *
 * Built by generate.ts with clang --target=wasm32 (no libc).
 */

enum { NONE = 0, CALL = 1, UNFINISHED = 2, RESUMED = 3 };

/* A record: the line's end (its LF or the text's end), its kind, then for a common line the rest. */
enum { END, KIND, PID, NR, NAME_START, NAME_END, ARGS_START, ARGS_END, RESULT_START, RESULT_END, NAME_ID, RECORD_INTS };

/* Linux's largest possible pid (PID_MAX_LIMIT). */
#define PID_MAX_LIMIT 4194304

#include <wasm_simd128.h>

typedef struct {
  const unsigned char *bytes;
  int length;
} Text;

/* The zero bytes before and after a text (scanning reads at most this far past its ends). */
#define PADDING 16

static int at(const Text *t, int i) { return t->bytes[i]; }

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int is_name_char(int c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || (c >= 'A' && c <= 'Z'); }

static int is_lower_hex(int c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

static int holds_at(const Text *t, int i, const char *word) {
  for (int k = 0; word[k] != 0; k++)
    if (at(t, i + k) != (unsigned char)word[k]) return 0;
  return 1;
}

/* `text.startsWith(word, end - length)`, as line.ts's endsWithAt (a negative start reads from 0). */
static int ends_with_at(const Text *t, int end, const char *word) {
  int length = 0;
  while (word[length] != 0) length++;
  int from = end - length;
  return holds_at(t, from < 0 ? 0 : from, word);
}

static int skip_spaces(const Text *t, int i) {
  while (at(t, i) == ' ') i++;
  return i;
}

static int skip_digits(const Text *t, int i) {
  while (is_digit(at(t, i))) i++;
  return i;
}

/*
 * The index of the first byte at or after i and before end that `block_mask`
 * (a bit per byte of a block of 16) finds, or end. A block starting before
 * end ends within the padding.
 */
static int scan_bytes(const Text *t, int i, int end, unsigned (*block_mask)(v128_t)) {
  for (; i < end; i += 16) {
    unsigned mask = block_mask(wasm_v128_load(t->bytes + i));
    if (mask != 0) {
      int found = i + __builtin_ctz(mask);
      return found < end ? found : end;
    }
  }
  return end;
}

static unsigned lf_mask(v128_t block) { return wasm_i8x16_bitmask(wasm_i8x16_eq(block, wasm_i8x16_splat('\n'))); }

static unsigned quote_mask(v128_t block) { return wasm_i8x16_bitmask(wasm_i8x16_eq(block, wasm_i8x16_splat('"'))); }

/*
 * The bytes find_close_paren stops at: brackets, `"`, `/` and `<`. A byte is
 * one when the groups of its high and of its low nibble share a bit (so a
 * block of 16 is classified with two table lookups).
 */
static const unsigned char HIGH_NIBBLE_GROUPS[16] = {[0x2] = 1, [0x3] = 2, [0x5] = 4, [0x7] = 4};
static const unsigned char LOW_NIBBLE_GROUPS[16] = {[0x2] = 1, [0x8] = 1, [0x9] = 1, [0xf] = 1, [0xc] = 2, [0xb] = 4, [0xd] = 4};

static unsigned special_mask(v128_t block) {
  v128_t high = wasm_i8x16_swizzle(wasm_v128_load(HIGH_NIBBLE_GROUPS), wasm_u8x16_shr(block, 4));
  v128_t low = wasm_i8x16_swizzle(wasm_v128_load(LOW_NIBBLE_GROUPS), wasm_v128_and(block, wasm_i8x16_splat(0x0f)));
  return wasm_i8x16_bitmask(wasm_i8x16_ne(wasm_v128_and(high, low), wasm_i8x16_splat(0)));
}

static int next_lf(const Text *t, int i, int end) { return scan_bytes(t, i, end, lf_mask); }
static int next_quote(const Text *t, int i, int end) { return scan_bytes(t, i, end, quote_mask); }
static int next_special(const Text *t, int i, int end) { return scan_bytes(t, i, end, special_mask); }

/* The index of the first LF at or after i, or the text's end. */
static int line_end(const Text *t, int i) { return next_lf(t, i, t->length); }

/* --- Times and brackets after the pid (line.ts's TIMESTAMP and BRACKETED) --- */

/* After `\d+\.\d+` at i (maximal runs), or -1. */
static int after_decimal(const Text *t, int i) {
  int dot = skip_digits(t, i);
  if (dot == i || at(t, dot) != '.' || !is_digit(at(t, dot + 1))) return -1;
  return skip_digits(t, dot + 1);
}

/*
 * The end of a time at i, before its spaces, or -1: `\d\d:\d\d:\d\d(?:\.\d+)?`,
 * `\d+\.\d+`, `\d{10,}` or `\(\+ *\d+\.\d+\)`, the first that a space follows.
 */
static int time_end(const Text *t, int i) {
  if (is_digit(at(t, i)) && is_digit(at(t, i + 1)) && at(t, i + 2) == ':' && is_digit(at(t, i + 3)) && is_digit(at(t, i + 4)) &&
      at(t, i + 5) == ':' && is_digit(at(t, i + 6)) && is_digit(at(t, i + 7))) {
    int end = i + 8;
    if (at(t, end) == '.' && is_digit(at(t, end + 1))) end = skip_digits(t, end + 1);
    if (at(t, end) == ' ') return end;
  }
  int decimal = after_decimal(t, i);
  if (decimal >= 0 && at(t, decimal) == ' ') return decimal;
  int digits = skip_digits(t, i);
  if (digits - i >= 10 && at(t, digits) == ' ') return digits;
  if (at(t, i) == '(' && at(t, i + 1) == '+') {
    int relative = after_decimal(t, skip_spaces(t, i + 2));
    if (relative >= 0 && at(t, relative) == ')' && at(t, relative + 1) == ' ') return relative + 1;
  }
  return -1;
}

/*
 * The end of a bracket at i (a `[`), before its spaces, or -1: 16 or 8 hex
 * digits or `?`s (an -i address), else spaces and digits (an -n number, put
 * in *nr; -2 when too long to be one).
 */
static int bracket_end(const Text *t, int i, int *nr) {
  int j = i + 1;
  while (is_lower_hex(at(t, j))) j++;
  int hex = j - i - 1;
  if (hex == 16 || hex == 8) {
    /* no other alternative fits */
  } else if (at(t, i + 1) == '?') {
    j = i + 1;
    while (at(t, j) == '?') j++;
  } else {
    int digits = skip_spaces(t, i + 1);
    j = skip_digits(t, digits);
    if (j == digits) return -1;
    int value = 0;
    if (j - digits > 9) value = -2;
    else
      for (int k = digits; k < j; k++) value = value * 10 + t->bytes[k] - '0';
    if (at(t, j) == ']' && at(t, j + 1) == ' ') *nr = value;
  }
  return at(t, j) == ']' && at(t, j + 1) == ' ' ? j + 1 : -1;
}

/* The index after the times and brackets at i and their spaces; the last -n number in *nr. */
static int skip_stamps(const Text *t, int i, int *nr) {
  for (int c = at(t, i); is_digit(c) || c == '('; c = at(t, i)) {
    int end = time_end(t, i);
    if (end < 0) break;
    i = skip_spaces(t, end);
  }
  while (at(t, i) == '[') {
    int end = bracket_end(t, i, nr);
    if (end < 0) break;
    i = skip_spaces(t, end);
  }
  return i;
}

/* --- Arguments (scan.ts) --- */

static int skip_string(const Text *t, int start, int end) {
  for (int quote = next_quote(t, start + 1, end); quote < end; quote = next_quote(t, quote + 1, end)) {
    int backslashes = 0;
    while (at(t, quote - 1 - backslashes) == '\\') backslashes++;
    if (backslashes % 2 == 0) return quote + 1;
  }
  return end;
}

static int skip_comment(const Text *t, int start, int end) {
  for (int i = start + 2; i + 1 < t->length; i++)
    if (t->bytes[i] == '*' && t->bytes[i + 1] == '/') return i + 2 > end ? end : i + 2;
  return end;
}

static unsigned path_decoration_mask(v128_t block) {
  v128_t opens = wasm_i8x16_eq(block, wasm_i8x16_splat('<'));
  v128_t closes = wasm_i8x16_eq(block, wasm_i8x16_splat('>'));
  v128_t escapes = wasm_i8x16_eq(block, wasm_i8x16_splat('\\'));
  return wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(opens, closes), escapes));
}

/* skip_decoration of a path decoration (`</etc/passwd>`): only `<`, `>` and `\` matter in it, found a block at a time. */
static int skip_path_decoration(const Text *t, int start, int end) {
  int depth = 1;
  for (int i = scan_bytes(t, start + 1, end, path_decoration_mask); i < end; i = scan_bytes(t, i + 1, end, path_decoration_mask)) {
    int c = t->bytes[i];
    if (c == '\\') i++;
    else if (c == '<') depth++;
    else if (--depth == 0) return i + 1;
  }
  return end;
}

static int skip_decoration(const Text *t, int start, int end) {
  if (at(t, start + 1) == '/') return skip_path_decoration(t, start, end);
  int depth = 0;
  int brackets = 0;
  for (int i = start; i < end; i++) {
    int c = t->bytes[i];
    if (c == '\\') i++;
    else if (c == '"') i = skip_string(t, i, end) - 1;
    else if (c == '[') brackets++;
    else if (c == ']') brackets--;
    else if (brackets > 0) continue;
    else if (c == '<') depth++;
    else if (c == '>' && --depth == 0) return i + 1;
  }
  return end;
}

static int opens_decoration(const Text *t, int i) {
  if (i == 0 || at(t, i + 1) == '<') return 0;
  int c = at(t, i - 1);
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The index of the `)` closing an argument list opened before start, or -1. */
/* The index of the `)` closing an argument list opened before start, or -1. */
static int find_close_paren(const Text *t, int start, int end) {
  int depth = 1;
  for (int i = next_special(t, start, end); i < end; i = next_special(t, i + 1, end)) {
    int c = t->bytes[i];
    if (c == '(' || c == '[' || c == '{') depth++;
    else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) return c == ')' ? i : -1;
    } else if (c == '"') i = skip_string(t, i, end) - 1;
    else if (c == '/' && at(t, i + 1) == '*') i = skip_comment(t, i, end) - 1;
    else if (c == '<' && opens_decoration(t, i)) i = skip_decoration(t, i, end) - 1;
  }
  return -1;
}

/* --- Results --- */

static int skip_errno(const Text *t, int i) {
  if (at(t, i) != 'E') return i;
  int end = i + 1;
  while (is_name_char(at(t, end))) end++;
  return end;
}

/* As line.ts's skipNumber, `| 0x20` and all: a value's digits, or `0x` and hex digits. */
static int skip_number(const Text *t, int i) {
  if (at(t, i + 1) != 'x' || at(t, i) != '0') return skip_digits(t, i);
  int end = i + 2;
  for (int c = at(t, end) | 0x20; is_digit(c) || (c >= 'a' && c <= 'f'); c = at(t, ++end) | 0x20) {
  }
  return end == i + 2 ? i : end;
}

/* The end of `?` (ending its line), `N`, `0xN` or `-1 ERRNO` at i, or -1. */
static int common_result_end(const Text *t, int i) {
  int c = at(t, i);
  if (c == '?') return i + 1 == t->length || at(t, i + 1) == '\n' ? i + 1 : -1;
  if (c == '-' && holds_at(t, i, "-1 ")) {
    int end = skip_errno(t, i + 3);
    return end > i + 3 ? end : -1;
  }
  int digits = c == '-' ? i + 1 : i;
  int end = skip_number(t, digits);
  return end > digits ? end : -1;
}

/* The end of the line's text before a -T duration (` <0.000012>`). */
static int without_duration(const Text *t, int end) {
  int i = end - 1;
  if (at(t, i) != '>') return end;
  i--;
  int dots = 0;
  for (int c = at(t, i); is_digit(c) || c == '.'; c = at(t, --i))
    if (c == '.') dots++;
  return dots == 1 && at(t, i) == '<' && at(t, i - 1) == ' ' ? i - 1 : end;
}

static int ends_or_comment(const Text *t, int i, int body_end) {
  if (i == body_end) return 1;
  return at(t, i) == ' ' && at(t, i + 1) == '(' && at(t, body_end - 1) == ')' && !ends_with_at(t, body_end, " (INJECTED)") &&
         !ends_with_at(t, body_end, " (DELAYED)");
}

static const char UNFINISHED_MARK[] = "<unfinished ...>";

/* --- Names: a number for each distinct name, so the reader makes each name's string once --- */

/* Slots of the table of names (a power of two); it takes at most half as many names. */
#define NAME_SLOTS 2048
#define NAME_MAX_BYTES 32

typedef struct {
  /* The name's bytes, zero after its end. */
  v128_t low, high;
  int length;
  int id_plus_one; /* 0: empty */
} NameSlot;

static NameSlot name_slots[NAME_SLOTS];
static int names_interned;

/* The `count` (at most 16) bytes at i, zero after them. */
static v128_t bytes_at(const Text *t, int i, int count) {
  v128_t kept = wasm_i8x16_lt(wasm_i8x16_const(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), wasm_i8x16_splat(count));
  return wasm_v128_and(wasm_v128_load(t->bytes + i), kept);
}

static int same_bytes(v128_t a, v128_t b) { return wasm_i8x16_all_true(wasm_i8x16_eq(a, b)); }

/* The number of the name from start to end, numbered in order of first sight; -1 when too long or the table is full. */
static int name_id(const Text *t, int start, int end) {
  int length = end - start;
  if (length > NAME_MAX_BYTES) return -1;
  v128_t low = bytes_at(t, start, length < 16 ? length : 16);
  v128_t high = length > 16 ? bytes_at(t, start + 16, length - 16) : wasm_i64x2_splat(0);
  /* Its 8-byte words multiplied by odd constants and folded: no loop over its bytes. */
  v128_t mixed = wasm_v128_xor(wasm_i64x2_mul(low, wasm_i64x2_const(0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full)),
                               wasm_i64x2_mul(high, wasm_i64x2_const(0x165667B19E3779F9ull, 0x85EBCA77C2B2AE63ull)));
  unsigned long long folded = wasm_i64x2_extract_lane(mixed, 0) ^ wasm_i64x2_extract_lane(mixed, 1);
  unsigned hash = (unsigned)(folded >> 40) ^ (unsigned)length;
  for (unsigned probe = 0;; probe++) {
    NameSlot *slot = &name_slots[(hash + probe) & (NAME_SLOTS - 1)];
    if (slot->id_plus_one == 0) {
      if (names_interned >= NAME_SLOTS / 2) return -1;
      slot->low = low;
      slot->high = high;
      slot->length = length;
      slot->id_plus_one = ++names_interned;
      return names_interned - 1;
    }
    if (slot->length == length && same_bytes(slot->low, low) && same_bytes(slot->high, high)) return slot->id_plus_one - 1;
  }
}

/* --- Lines --- */

/* The kind of the line from start to end (NONE when it is of no common shape), the rest of its record in `record`. */
static int scan_line(const Text *t, int start, int end, int *record) {
  int i = skip_digits(t, start);
  int pid = -1;
  if (i > start) {
    if (i > start + 7 || at(t, i) != ' ') return NONE;
    pid = 0;
    for (int k = start; k < i; k++) pid = pid * 10 + t->bytes[k] - '0';
    if (pid > PID_MAX_LIMIT) return NONE;
    i = skip_spaces(t, i);
  }
  int nr = -1;
  int c = at(t, i);
  if (is_digit(c) || c == '(' || c == '[') i = skip_stamps(t, i, &nr);
  if (nr == -2) return NONE;
  int resumed = at(t, i) == '<' && holds_at(t, i, "<... ");
  int name_start = resumed ? i + 5 : i;
  int name_end = name_start;
  while (is_name_char(at(t, name_end))) name_end++;
  if (name_end == name_start || is_digit(at(t, name_start))) return NONE;
  if (resumed ? !holds_at(t, name_end, " resumed>") : at(t, name_end) != '(') return NONE;
  int from = resumed ? name_end + 9 : name_end + 1;
  record[PID] = pid;
  record[NR] = nr;
  record[NAME_START] = name_start;
  record[NAME_END] = name_end;
  record[ARGS_START] = from;
  if (!resumed && at(t, end - 1) == '>') {
    int mark = end - (int)(sizeof UNFINISHED_MARK - 1);
    if (holds_at(t, mark < 0 ? 0 : mark, UNFINISHED_MARK)) {
      record[ARGS_END] = at(t, mark - 1) == ' ' ? mark - 1 : mark;
      record[RESULT_START] = -1;
      record[RESULT_END] = -1;
      return UNFINISHED;
    }
  }
  if (at(t, end - 1) == '>' && at(t, end - 2) == '.' && ends_with_at(t, end, "...>")) return NONE;
  int close = find_close_paren(t, from, end);
  if (close < 0) return NONE;
  int equals = skip_spaces(t, close + 1);
  if (at(t, equals) != '=' || at(t, equals + 1) != ' ') return NONE;
  int result_end = common_result_end(t, equals + 2);
  if (result_end < 0) return NONE;
  int body_end = without_duration(t, end);
  /* A `?` ends its line: only a value or an errno can be followed by `<`. */
  int value_end = at(t, result_end) == '<' && !holds_at(t, equals + 2, "-1 ") ? skip_decoration(t, result_end, body_end) : result_end;
  if (!ends_or_comment(t, value_end, body_end)) return NONE;
  record[ARGS_END] = close;
  record[RESULT_START] = equals + 2;
  record[RESULT_END] = result_end;
  return resumed ? RESUMED : CALL;
}

/*
 * Scans the lines of the `length` bytes at `bytes` (with their PADDING) from
 * offset `from` (a line start), a record of RECORD_INTS ints per line into `records`, at most
 * `capacity`; returns how many it wrote. The text must hold no --color escape.
 */
__attribute__((export_name("scan_lines"))) int scan_lines(const unsigned char *bytes, int length, int from, int *records, int capacity) {
  Text t = {bytes, length};
  int count = 0;
  for (int start = from; start < length && count < capacity; count++) {
    int end = line_end(&t, start);
    int *record = records + count * RECORD_INTS;
    record[END] = end;
    record[KIND] = scan_line(&t, start, end, record);
    if (record[KIND] != NONE) record[NAME_ID] = name_id(&t, record[NAME_START], record[NAME_END]);
    start = end + 1;
  }
  return count;
}

/* Where the JavaScript side may put its texts and records: after the module's own data and stack. */
extern unsigned char __heap_base;
__attribute__((export_name("heap_base"))) int heap_base(void) { return (int)&__heap_base; }
__attribute__((export_name("padding"))) int padding(void) { return PADDING; }
