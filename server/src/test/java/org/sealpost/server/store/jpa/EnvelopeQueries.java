package org.sealpost.server.store.jpa;

/** The inbox queries of {@link JpaEnvelopeStore}, for tests that look at their plans. */
public final class EnvelopeQueries {
  /** {@code recipient, after, limit}: the page's sequences and sizes. */
  public static final String PAGE = JpaEnvelopeStore.PAGE_SQL;

  /** {@code recipient, after, last}: the page's envelopes. */
  public static final String BODIES = JpaEnvelopeStore.BODIES_SQL;

  private EnvelopeQueries() {}
}
