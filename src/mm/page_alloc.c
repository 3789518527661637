/* SPDX-License-Identifier: MIT */
/* Physical page allocator: see page_alloc.h. */
#include "mm/page_alloc.h"
#include "lib/err.h"

#define BITS_PER_WORD 64

static inline u64 word_of(u64 bit) { return bit / BITS_PER_WORD; }

/* First clear bit in [start, end), or end. */
static u64 next_zero(const u64 *bm, u64 start, u64 end)
{
	u64 i = start;

	while (i < end) {
		u64 w = ~bm[word_of(i)] & (~0ULL << (i % BITS_PER_WORD));

		if (w) {
			i = word_of(i) * BITS_PER_WORD + (u64)__builtin_ctzll(w);
			return i < end ? i : end;
		}
		i = (word_of(i) + 1) * BITS_PER_WORD;
	}
	return end;
}

/* First set bit in [start, end), or end. */
static u64 next_set(const u64 *bm, u64 start, u64 end)
{
	u64 i = start;

	while (i < end) {
		u64 w = bm[word_of(i)] & (~0ULL << (i % BITS_PER_WORD));

		if (w) {
			i = word_of(i) * BITS_PER_WORD + (u64)__builtin_ctzll(w);
			return i < end ? i : end;
		}
		i = (word_of(i) + 1) * BITS_PER_WORD;
	}
	return end;
}

static void set_bits(u64 *bm, u64 start, u64 n, bool on)
{
	for (u64 i = start; i < start + n;) {
		u64 bits = MIN(BITS_PER_WORD - i % BITS_PER_WORD, start + n - i);
		u64 m = (bits == BITS_PER_WORD ? ~0ULL : ((1ULL << bits) - 1)) << (i % BITS_PER_WORD);

		if (on)
			bm[word_of(i)] |= m;
		else
			bm[word_of(i)] &= ~m;
		i += bits;
	}
}

/* [first, end) in page frames, or false if the range holds no whole page. */
static bool range_to_pfns(u64 base, u64 size, u64 *first, u64 *end)
{
	u64 last = base + (size - 1);

	*first = (base >> PAGE_SHIFT) + ((base & (PAGE_SIZE - 1)) ? 1 : 0);
	*end = (last >> PAGE_SHIFT) + (((last & (PAGE_SIZE - 1)) == PAGE_SIZE - 1) ? 1 : 0);
	return *end > *first;
}

static void lock(struct page_alloc *pa)
{
	if (pa->lock)
		pa->lock(pa->lock_arg);
}

static void unlock(struct page_alloc *pa)
{
	if (pa->unlock)
		pa->unlock(pa->lock_arg);
}

size_t page_alloc_bitmap_bytes(const struct plat_range *mem, unsigned int nr_mem)
{
	size_t bytes = sizeof(u64);	/* slack to align unaligned storage */

	for (unsigned int i = 0; i < nr_mem; i++) {
		u64 first, end;

		if (mem[i].size == 0 || mem[i].base + (mem[i].size - 1) < mem[i].base)
			continue;
		if (range_to_pfns(mem[i].base, mem[i].size, &first, &end))
			bytes += (size_t)((end - first + BITS_PER_WORD - 1) / BITS_PER_WORD) * sizeof(u64);
	}
	return bytes;
}

int page_alloc_init(struct page_alloc *pa, const struct plat_range *mem, unsigned int nr_mem,
		    const struct plat_range *rsv, unsigned int nr_rsv, void *bitmap_storage,
		    size_t bitmap_bytes)
{
	uintptr_t s = (uintptr_t)bitmap_storage;
	uintptr_t aligned = ALIGN_UP(s, sizeof(u64));
	u64 *words;
	size_t avail;

	*pa = (struct page_alloc){ 0 };
	if (nr_mem > PAGE_ALLOC_MAX_BANKS || nr_rsv > PAGE_ALLOC_MAX_RSV)
		return -E2BIG;
	if (!bitmap_storage || bitmap_bytes < aligned - s)
		return -ENOMEM;
	words = (u64 *)aligned;
	avail = (bitmap_bytes - (aligned - s)) / sizeof(u64);

	for (unsigned int i = 0; i < nr_mem; i++) {
		struct page_alloc_bank *b = &pa->bank[pa->nr_banks];
		u64 first, end, nw;

		if (mem[i].size == 0)
			continue;
		if (mem[i].base + (mem[i].size - 1) < mem[i].base)
			return -EINVAL;
		if (!range_to_pfns(mem[i].base, mem[i].size, &first, &end))
			continue;	/* less than a page */
		for (unsigned int j = 0; j < pa->nr_banks; j++) {
			u64 f = pa->bank[j].base >> PAGE_SHIFT;

			if (first < f + pa->bank[j].nr_pages && f < end)
				return -EINVAL;	/* overlapping banks */
		}
		nw = (end - first + BITS_PER_WORD - 1) / BITS_PER_WORD;
		if (nw > avail)
			return -ENOMEM;
		b->base = first << PAGE_SHIFT;
		b->nr_pages = end - first;
		b->bitmap = words;
		for (u64 w = 0; w < nw; w++)
			words[w] = 0;
		/* Padding bits past the last page read as "in use" so word scans skip them. */
		set_bits(words, b->nr_pages, nw * BITS_PER_WORD - b->nr_pages, true);
		words += nw;
		avail -= nw;
		pa->nr_banks++;
	}

	for (unsigned int i = 0; i < nr_rsv; i++) {
		struct page_alloc_rsv *r = &pa->rsv[pa->nr_rsv];
		u64 last;

		if (rsv[i].size == 0)
			continue;
		last = rsv[i].base + (rsv[i].size - 1);
		if (last < rsv[i].base)
			return -EINVAL;
		/* Widen outwards: any page a reserved byte touches is reserved. */
		r->first_pfn = rsv[i].base >> PAGE_SHIFT;
		r->end_pfn = (last >> PAGE_SHIFT) + 1;
		pa->nr_rsv++;

		for (unsigned int j = 0; j < pa->nr_banks; j++) {
			struct page_alloc_bank *b = &pa->bank[j];
			u64 bf = b->base >> PAGE_SHIFT, be = bf + b->nr_pages;
			u64 f = MAX(bf, r->first_pfn), e = MIN(be, r->end_pfn);

			if (f < e)
				set_bits(b->bitmap, f - bf, e - f, true);
		}
	}

	for (unsigned int j = 0; j < pa->nr_banks; j++) {
		struct page_alloc_bank *b = &pa->bank[j];
		u64 used = 0;

		for (u64 p = next_set(b->bitmap, 0, b->nr_pages); p < b->nr_pages;) {
			u64 z = next_zero(b->bitmap, p, b->nr_pages);

			used += z - p;
			p = next_set(b->bitmap, z, b->nr_pages);
		}
		b->nr_free = b->nr_pages - used;
		pa->nr_free += b->nr_free;
		pa->nr_pages += b->nr_pages;
	}
	return 0;
}

/* First page index >= @i in @b whose physical address is a multiple of @align_pages pages. */
static u64 align_index(const struct page_alloc_bank *b, u64 i, u64 align_pages)
{
	u64 pfn = (b->base >> PAGE_SHIFT) + i;

	return ALIGN_UP(pfn, align_pages) - (b->base >> PAGE_SHIFT);
}

/* Search start indices in [from, to) of @b for @nr free pages. */
static bool search(const struct page_alloc_bank *b, u64 nr, u64 align_pages, u64 from, u64 to,
		   u64 *out)
{
	u64 i = align_index(b, next_zero(b->bitmap, from, b->nr_pages), align_pages);

	while (i < to && nr <= b->nr_pages - i) {
		u64 j = next_set(b->bitmap, i, i + nr);

		if (j == i + nr) {
			*out = i;
			return true;
		}
		i = align_index(b, next_zero(b->bitmap, j, b->nr_pages), align_pages);
	}
	return false;
}

static int alloc_locked(struct page_alloc *pa, u64 nr, u64 align_pages, paddr_t *out)
{
	for (unsigned int k = 0; k < pa->nr_banks; k++) {
		struct page_alloc_bank *b = &pa->bank[k];
		u64 i;

		if (b->nr_free < nr)
			continue;
		/* Next fit: from the hint to the end, then from the start up to the hint. */
		if (!search(b, nr, align_pages, b->hint, b->nr_pages, &i) &&
		    !search(b, nr, align_pages, 0, b->hint, &i))
			continue;
		set_bits(b->bitmap, i, nr, true);
		b->nr_free -= nr;
		pa->nr_free -= nr;
		b->hint = i + nr < b->nr_pages ? i + nr : 0;
		*out = pa_init(b->base + (i << PAGE_SHIFT));
		return 0;
	}
	return -ENOMEM;
}

int page_alloc_pages(struct page_alloc *pa, u64 nr, u64 align, paddr_t *out)
{
	u64 align_pages;
	int ret;

	if (nr == 0 || (align & (align - 1)))
		return -EINVAL;
	align_pages = align > PAGE_SIZE ? align >> PAGE_SHIFT : 1;
	if (nr > pa->nr_pages)
		return -ENOMEM;
	lock(pa);
	ret = alloc_locked(pa, nr, align_pages, out);
	unlock(pa);
	return ret;
}

int page_alloc_page(struct page_alloc *pa, paddr_t *out)
{
	return page_alloc_pages(pa, 1, PAGE_SIZE, out);
}

/* The bank holding [p, p + nr pages), and the index of p in it; NULL if none does. */
static struct page_alloc_bank *find_bank(struct page_alloc *pa, u64 p, u64 nr, u64 *idx)
{
	u64 pfn = p >> PAGE_SHIFT;

	for (unsigned int k = 0; k < pa->nr_banks; k++) {
		struct page_alloc_bank *b = &pa->bank[k];
		u64 f = b->base >> PAGE_SHIFT;

		if (pfn >= f && pfn - f < b->nr_pages && nr <= b->nr_pages - (pfn - f)) {
			*idx = pfn - f;
			return b;
		}
	}
	return NULL;
}

static bool touches_reserved(const struct page_alloc *pa, u64 pfn, u64 nr)
{
	for (unsigned int i = 0; i < pa->nr_rsv; i++) {
		if (pfn < pa->rsv[i].end_pfn && pa->rsv[i].first_pfn < pfn + nr)
			return true;
	}
	return false;
}

int page_free_pages(struct page_alloc *pa, paddr_t p, u64 nr)
{
	struct page_alloc_bank *b;
	u64 addr = pa_addr(p), i;
	int ret = -EINVAL;

	if (nr == 0 || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	lock(pa);
	b = find_bank(pa, addr, nr, &i);
	/* All of it allocated (none free: double free), none of it reserved. */
	if (b && next_zero(b->bitmap, i, i + nr) == i + nr &&
	    !touches_reserved(pa, addr >> PAGE_SHIFT, nr)) {
		set_bits(b->bitmap, i, nr, false);
		b->nr_free += nr;
		pa->nr_free += nr;
		ret = 0;
	}
	unlock(pa);
	return ret;
}

int page_free(struct page_alloc *pa, paddr_t p)
{
	return page_free_pages(pa, p, 1);
}

int page_alloc_claim(struct page_alloc *pa, paddr_t p, u64 nr)
{
	struct page_alloc_bank *b;
	u64 addr = pa_addr(p), i;
	int ret = -EINVAL;

	if (nr == 0 || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	lock(pa);
	b = find_bank(pa, addr, nr, &i);
	if (b) {
		ret = -EBUSY;
		if (next_set(b->bitmap, i, i + nr) == i + nr) {
			set_bits(b->bitmap, i, nr, true);
			b->nr_free -= nr;
			pa->nr_free -= nr;
			ret = 0;
		}
	}
	unlock(pa);
	return ret;
}

int page_alloc_next_free_run(struct page_alloc *pa, u64 from, u64 *base, u64 *size)
{
	int ret = -ENOENT;

	lock(pa);
	for (unsigned int k = 0; k < pa->nr_banks && ret; k++) {
		const struct page_alloc_bank *b = &pa->bank[k];
		u64 end = b->base + b->nr_pages * PAGE_SIZE, i, j;

		if (from >= end)
			continue;
		i = from <= b->base ? 0 : (ALIGN_UP(from, PAGE_SIZE) - b->base) / PAGE_SIZE;
		i = next_zero(b->bitmap, i, b->nr_pages);
		if (i == b->nr_pages)
			continue;
		j = next_set(b->bitmap, i, b->nr_pages);
		*base = b->base + i * PAGE_SIZE;
		*size = (j - i) * PAGE_SIZE;
		ret = 0;
	}
	unlock(pa);
	return ret;
}

u64 page_alloc_nr_free(const struct page_alloc *pa)
{
	return pa->nr_free;
}
