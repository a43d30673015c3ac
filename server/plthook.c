/*
 * plthook: rewrites one jump slot of one loaded library (plthook.h).
 *
 * The library's dynamic section names its PLT relocations (DT_JMPREL,
 * DT_PLTRELSZ; RELA on the 64-bit targets this supports), each of which
 * points a slot (r_offset from the load address) at a symbol of its
 * symbol table. With BIND_NOW the slot already holds the resolved address
 * and lies in the PT_GNU_RELRO range, read-only since start-up: it is made
 * writable for the store and read-only again. Without it (lazy binding) a
 * slot not called yet points back into the library's own PLT, whose
 * resolver would overwrite the replacement at the first call: refused.
 */
#include "plthook.h"

#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if UINTPTR_MAX > 0xffffffffu
#define RELA_SYM(info) ELF64_R_SYM(info)
#else
#define RELA_SYM(info) ELF32_R_SYM(info)
#endif

struct hook {
	const char *lib, *sym;
	plthook_fn fn, *old;
	int result; /* 0 once replaced; -1 until then */
};

/* The slot of the library in info that imports name, or NULL. */
static plthook_fn *
find_slot(const struct dl_phdr_info *info, const char *name)
{
	const ElfW(Dyn) *d = NULL;
	const ElfW(Rela) *rel = NULL;
	const ElfW(Sym) *syms = NULL;
	const char *strs = NULL;
	uintptr_t base = info->dlpi_addr, v;
	size_t relsz = 0, i;
	int i_ph;

	for (i_ph = 0; i_ph < info->dlpi_phnum; i_ph++)
		if (info->dlpi_phdr[i_ph].p_type == PT_DYNAMIC)
			d = (const ElfW(Dyn) *)(base +
						info->dlpi_phdr[i_ph].p_vaddr);
	for (; d != NULL && d->d_tag != DT_NULL; d++) {
		/* ld.so has made most of these absolute; not all do */
		v = d->d_un.d_ptr < base ? base + d->d_un.d_ptr
					 : d->d_un.d_ptr;
		if (d->d_tag == DT_JMPREL)
			rel = (const ElfW(Rela) *)v;
		else if (d->d_tag == DT_PLTRELSZ)
			relsz = d->d_un.d_val;
		else if (d->d_tag == DT_SYMTAB)
			syms = (const ElfW(Sym) *)v;
		else if (d->d_tag == DT_STRTAB)
			strs = (const char *)v;
		else if (d->d_tag == DT_PLTREL && d->d_un.d_val != DT_RELA)
			return NULL;
	}
	if (rel == NULL || syms == NULL || strs == NULL)
		return NULL;
	for (i = 0; i < relsz / sizeof *rel; i++)
		if (strcmp(strs + syms[RELA_SYM(rel[i].r_info)].st_name,
			   name) == 0)
			return (plthook_fn *)(base + rel[i].r_offset);
	return NULL;
}

/* Is [a, a + len) inside one of the library's segments of type type? */
static int
in_segment(const struct dl_phdr_info *info, uint32_t type, uintptr_t a,
	   size_t len)
{
	uintptr_t lo;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != type)
			continue;
		lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		if (a >= lo && a + len <= lo + info->dlpi_phdr[i].p_memsz)
			return 1;
	}
	return 0;
}

static int
visit(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct hook *h = arg;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	plthook_fn *slot;
	void *start;
	int ro;

	(void)size;
	if (info->dlpi_name == NULL ||
	    strstr(info->dlpi_name, h->lib) == NULL ||
	    (slot = find_slot(info, h->sym)) == NULL)
		return 0; /* next library */
	if (in_segment(info, PT_LOAD, (uintptr_t)*slot, 1))
		return 1; /* not bound yet */
	ro = in_segment(info, PT_GNU_RELRO, (uintptr_t)slot, sizeof *slot);
	start = (void *)((uintptr_t)slot & ~(page - 1));
	if (ro && mprotect(start, page, PROT_READ | PROT_WRITE) != 0)
		return 1;
	if (h->old != NULL)
		*h->old = *slot;
	*slot = h->fn;
	if (ro)
		(void)mprotect(start, page, PROT_READ);
	h->result = 0;
	return 1;
}

int
plthook_replace(const char *lib, const char *sym, plthook_fn fn,
		plthook_fn *old)
{
	struct hook h = {lib, sym, fn, old, -1};

	(void)dl_iterate_phdr(visit, &h);
	return h.result;
}
