/* SPDX-License-Identifier: MIT */
/* Basic types shared by every layer, on the target and on the host. */
#ifndef MOAT_LIB_TYPES_H
#define MOAT_LIB_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef int32_t s32;

/*
 * Physical addresses, guest intermediate physical addresses and hypervisor
 * virtual addresses are different kinds of number. Wrapping each in its own
 * struct makes passing one where another is expected a compile error.
 */
typedef struct { u64 pa; } paddr_t;
typedef struct { u64 ipa; } ipa_t;
typedef struct { u64 va; } hva_t;

static inline paddr_t pa_init(u64 a) { return (paddr_t){ a }; }
static inline u64 pa_addr(paddr_t p) { return p.pa; }
static inline ipa_t ipa_init(u64 a) { return (ipa_t){ a }; }
static inline u64 ipa_addr(ipa_t i) { return i.ipa; }
static inline hva_t hva_init(u64 a) { return (hva_t){ a }; }
static inline u64 hva_addr(hva_t v) { return v.va; }

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* The struct of type @type whose member @member is at @ptr. */
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#define __printf(f, a) __attribute__((format(printf, f, a)))
#define __noreturn __attribute__((noreturn))
#define __unused __attribute__((unused))
#define __aligned(n) __attribute__((aligned(n)))
#define __section(s) __attribute__((section(s)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define SZ_4K 0x1000UL
#define SZ_64K 0x10000UL
#define SZ_2M 0x200000UL
#define SZ_1G 0x40000000UL

#endif
