package org.glm4j.model.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of a {@code tokenizer.json}: vocabulary, merge ranks, and the merge loop (lowest rank first, the
 * leftmost pair on ties, as Hugging Face tokenizers does). Words are cached. Thread-safe.
 */
final class Bpe {
    private final Map<String, Integer> vocab;
    private final Map<Long, int[]> merges;          // (left id, right id) → {rank, merged id}
    private final boolean ignoreMerges, byteFallback;
    private final Integer unkId;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 1 << 16;

    Bpe(Map<String, Integer> vocab, List<String[]> mergeList, boolean ignoreMerges, boolean byteFallback, String unk) {
        this.vocab = vocab;
        this.ignoreMerges = ignoreMerges;
        this.byteFallback = byteFallback;
        this.unkId = unk == null ? null : vocab.get(unk);
        this.merges = new HashMap<>(mergeList.size() * 2);
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String[] m = mergeList.get(rank);
            Integer a = vocab.get(m[0]), b = vocab.get(m[1]), ab = vocab.get(m[0] + m[1]);
            if (a == null || b == null || ab == null)
                throw new IllegalArgumentException("tokenizer.json: merge \"" + m[0] + " " + m[1] + "\" (rank " + rank
                        + ") uses a token missing from the vocabulary");
            merges.put(key(a, b), new int[] { rank, ab });          // a repeated merge keeps its last rank, as HF
        }
    }

    private static long key(int a, int b) { return ((long) a << 32) | (b & 0xffffffffL); }

    /** Token ids of one pre-tokenized word (already byte-level mapped when the tokenizer is byte-level). */
    int[] encodeWord(String word) {
        int[] hit = cache.get(word);
        if (hit != null) return hit;
        int[] ids = merge(word);
        if (cache.size() < CACHE_LIMIT && word.length() <= 256) cache.put(word, ids);
        return ids;
    }

    private int[] merge(String word) {
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) return new int[] { whole };
        }
        List<Integer> syms = new ArrayList<>();
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            i += Character.charCount(cp);
            Integer id = vocab.get(ch);
            if (id != null) syms.add(id);
            else if (byteFallback) {
                for (byte b : ch.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    Integer bid = vocab.get(String.format("<0x%02X>", b & 0xff));
                    if (bid == null) throw new IllegalArgumentException("tokenizer.json: byte fallback token <0x"
                            + String.format("%02X", b & 0xff) + "> missing");
                    syms.add(bid);
                }
            } else if (unkId != null) syms.add(unkId);
            else throw new IllegalArgumentException("tokenizer: character U+" + Integer.toHexString(cp).toUpperCase()
                    + " is not in the vocabulary and the model has no unk token or byte fallback");
        }
        return mergeAll(syms.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Applies merges lowest rank first, leftmost on ties, as Hugging Face does: a heap of candidate pairs over a
     * linked list of symbols, so a word of n symbols costs O(n log n) rather than O(n²).
     */
    private int[] mergeAll(int[] sym) {
        int n = sym.length;
        if (n < 2) return sym;
        int[] prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Heap entries: {rank, left position, left symbol, right symbol}; stale entries are skipped when popped.
        java.util.PriorityQueue<long[]> heap = new java.util.PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int i = 0; i + 1 < n; i++) push(heap, sym, i, i + 1);
        while (!heap.isEmpty()) {
            long[] e = heap.poll();
            int left = (int) e[1], right = next[left];
            if (sym[left] < 0 || right < 0 || sym[left] != (int) e[2] || sym[right] != (int) e[3]) continue;
            int[] m = merges.get(key(sym[left], sym[right]));
            sym[left] = m[1];
            sym[right] = -1;
            int after = next[right];
            next[left] = after;
            if (after >= 0) prev[after] = left;
            if (prev[left] >= 0) push(heap, sym, prev[left], left);
            if (after >= 0) push(heap, sym, left, after);
        }
        int count = 0;
        for (int v : sym) if (v >= 0) count++;
        int[] out = new int[count];
        for (int i = 0, k = 0; i >= 0 && i < n; i = next[i]) out[k++] = sym[i];
        return out;
    }

    private void push(java.util.PriorityQueue<long[]> heap, int[] sym, int left, int right) {
        int[] m = merges.get(key(sym[left], sym[right]));
        if (m != null) heap.add(new long[] { m[0], left, sym[left], sym[right] });
    }
}
