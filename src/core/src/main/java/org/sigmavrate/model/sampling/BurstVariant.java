package org.sigmavrate.model.sampling;

/**
 * How the burst sampler treats its drafts. Only {@link #EXACT} samples the sequential sampler's distribution; the
 * others exist to measure what exactness costs and to show that the distribution test catches bias.
 */
public enum BurstVariant {
    /**
     * Speculative rejection: draft x ~ q = p(x | prefix) for every remaining position, verify along a uniform
     * random order, accept while u < p/q; at the first rejection draw that position from the residual
     * max(0, p - q) / Z and commit it too. Each committed token then has exactly the conditional p of the
     * sequential sampler, and the order is uniform: the same distribution. The default.
     */
    EXACT,
    /**
     * The paper's description read literally: accept the longest prefix passing u < p/q, throw the rejected draft
     * away and re-draft from the new prefix. Biased: the rejected position is later drawn from p alone, so values
     * where q exceeds p keep their excess (the test measures it).
     */
    DISCARD_REJECTED,
    /** Verify several random orders in one batch and keep the one accepting most. Biased: the order is chosen by the values. */
    BEST_OF_ORDERS,
    /** Accept every draft: independent marginals, the joint is lost. Only for testing the test. */
    ACCEPT_ALL
}
