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
            merges.putIfAbsent(key(a, b), new int[] { rank, ab });
        }
    }

    private static long key(int a, int b) { return ((long) a << 32) | (b & 0xffffffffL); }

    /** Token ids of one pre-tokenized word (already byte-level mapped when the tokenizer is byte-level). */
    int[] encodeWord(String word) {
        int[] hit = cache.get(word);
        if (hit != null) return hit;
        int[] ids = merge(word);
        if (cache.size() < CACHE_LIMIT) cache.put(word, ids);
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
        // Repeatedly apply the lowest-ranked adjacent merge (leftmost on ties).
        while (syms.size() > 1) {
            int bestRank = Integer.MAX_VALUE, bestAt = -1, bestId = -1;
            for (int i = 0; i + 1 < syms.size(); i++) {
                int[] m = merges.get(key(syms.get(i), syms.get(i + 1)));
                if (m != null && m[0] < bestRank) {
                    bestRank = m[0];
                    bestAt = i;
                    bestId = m[1];
                }
            }
            if (bestAt < 0) break;
            syms.set(bestAt, bestId);
            syms.remove(bestAt + 1);
        }
        int[] out = new int[syms.size()];
        for (int i = 0; i < out.length; i++) out[i] = syms.get(i);
        return out;
    }
}
