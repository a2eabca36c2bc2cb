#!/usr/bin/env python3
"""A model of when to merge free blocks, on the churn workload, for choosing a design.

Not the crate's code and not wasm: a Python model of `churn` in ci/bench/module (its size mix
and step rules, with Python's random numbers) over three freeing policies that share
BinnedAllocator's bins, block sizes (here a one-word header), splitting rule and growth:

  eager    a freed block merges with both free neighbours at once (BinnedAllocator);
  forward  it merges with the free block after it only; all memory is swept (runs of free
           blocks merged, bins rebuilt) once before growing;
  lazy     it merges with nothing (so lists could be singly linked, with no footers); all
           memory is swept once before growing;
  lazy/16  as lazy, and also swept whenever the bytes freed since the last sweep reach a
           sixteenth of the memory grown.

Memory grows a page at a time at the end of one region, which ends in the untouched rest of
its last page. Prints heap efficiency (peak live bytes over memory grown, as ci/bench.sh) and
the blocks that sweeps walked per step.

Usage: ci/bench/coalescing-model.py [STEPS [SEED]]   (default 400000 7, as ci/bench.sh)
"""
import random
import sys

W, G, PAGE = 4, 8, 65536


def block_size(n):
    return max(G, (n + W + G - 1) & ~(G - 1))


def bin_of(size):
    u = size // G
    if u < 16:
        return max(u - 1, 0)
    k = u.bit_length() - 1
    return min(4 * k - 2 + ((u >> (k - 2)) & 3), 63)


class Model:
    def __init__(self, policy):
        self.policy, _, every = policy.partition("/")
        self.every = int(every or 0)
        self.blocks = {}  # start -> [size, free]
        self.ends = {}  # end -> start
        self.lists = [[] for _ in range(64)]
        self.bitmap = 0
        self.wild = self.top = self.grown = 0
        self.walked = self.freed = 0

    def add(self, b, size, free):
        self.blocks[b] = [size, free]
        self.ends[b + size] = b
        if free:
            i = bin_of(size)
            self.lists[i].append(b)
            self.bitmap |= 1 << i

    def remove(self, b):
        size, free = self.blocks.pop(b)
        del self.ends[b + size]
        if free:
            i = bin_of(size)
            self.lists[i].remove(b)
            if not self.lists[i]:
                self.bitmap &= ~(1 << i)
        return size

    def carve(self, b, have, need):
        if have - need >= 2 * G + (need >> 3):
            self.add(b, need, False)
            self.release(b + need, have - need)
        else:
            self.add(b, have, False)
        return b

    def release(self, b, size):
        after = b + size
        if self.policy != "lazy" and self.blocks.get(after, [0, False])[1]:
            size += self.remove(after)
        if self.policy == "eager" and b in self.ends and self.blocks[self.ends[b]][1]:
            b = self.ends[b]
            size += self.remove(b)
        if b + size == self.wild:
            self.wild = b
        else:
            self.add(b, size, True)

    def alloc(self, request):
        need = block_size(request)
        i = bin_of(need)
        swept = False
        while True:
            own = self.lists[i]
            if own and self.blocks[own[-1]][0] >= need:
                b = own[-1]
                return self.carve(b, self.remove(b), need)
            above = self.bitmap & ~((1 << (i + 1)) - 1)
            if above:
                b = self.lists[(above & -above).bit_length() - 1][-1]
                return self.carve(b, self.remove(b), need)
            if self.policy != "eager" and self.freed and not swept:
                self.sweep()
                swept = True
                continue
            for b in reversed(own):
                if self.blocks[b][0] >= need:
                    return self.carve(b, self.remove(b), need)
            if self.top - self.wild < need:
                self.top += (need - (self.top - self.wild) + PAGE - 1) // PAGE * PAGE
                self.grown = self.top
            b = self.wild
            self.wild += need
            self.add(b, need, False)
            return b

    def free(self, b):
        size = self.remove(b)
        self.freed += size
        self.release(b, size)
        if self.every and self.freed * self.every >= self.grown:
            self.sweep()

    def realloc(self, b, new):
        need = block_size(new)
        have = self.blocks[b][0]
        if need <= have:
            self.remove(b)
            return self.carve(b, have, need)
        if b + have == self.wild and self.top - self.wild >= need - have:
            self.remove(b)
            self.wild = b + need
            self.add(b, need, False)
            return b
        p = self.alloc(new)
        self.free(b)
        return p

    def sweep(self):
        self.freed = 0
        old = sorted(self.blocks.items())
        self.walked += len(old)
        self.blocks, self.ends = {}, {}
        self.lists = [[] for _ in range(64)]
        self.bitmap = 0
        run = None
        for a, (size, free) in old:
            if free and run and run[0] + run[1] == a:
                run[1] += size
                continue
            if run:
                self.add(run[0], run[1], True)
                run = None
            if free:
                run = [a, size]
            else:
                self.add(a, size, False)
        if run:
            if run[0] + run[1] == self.wild:
                self.wild = run[0]
            else:
                self.add(run[0], run[1], True)


def size_mix(rng):
    c = rng.randrange(100)
    if c < 80:
        return 8 + rng.randrange(120)
    if c < 98:
        return 128 + rng.randrange(1920)
    return 2048 + rng.randrange(63 * 1024)


def churn(model, slots, steps, seed):
    rng = random.Random(seed)
    table = [None] * slots
    live = peak = 0
    for _ in range(steps):
        k = rng.randrange(slots)
        if table[k] is None:
            size = size_mix(rng)
            table[k] = (model.alloc(size), size)
            live += size
        elif rng.randrange(4):
            model.free(table[k][0])
            live -= table[k][1]
            table[k] = None
        else:
            size = size_mix(rng)
            live += size - table[k][1]
            table[k] = (model.realloc(table[k][0], size), size)
        peak = max(peak, live)
    return peak


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    for policy in ("eager", "forward", "lazy", "lazy/16"):
        cells = []
        for slots in (100, 2_000, 10_000):
            model = Model(policy)
            peak = churn(model, slots, steps, seed)
            cells.append(
                f"N={slots}: {100 * peak / model.grown:.0f}%, "
                f"{model.walked / steps:.1f} blocks swept/step"
            )
        print(f"{policy:8} " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
