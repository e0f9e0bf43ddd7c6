package org.sigmavrate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.RejectionLedger;

class RejectionLedgerTest {
    @Test
    void countsComeOutInOrderOfReasonWhateverTheOrderTheyWereCountedIn() {
        List<String> reasons = List.of("rate-spike", "on-ground", "no-values", "duplicate-time", "altitude-spike",
                "rate-out-of-range", "altitude-out-of-range", "duplicate-flight", "rate-not-finite");
        RejectionLedger ledger = new RejectionLedger();
        reasons.forEach(ledger::count);
        ledger.count("on-ground", 4);
        List<String> sorted = new ArrayList<>(reasons);
        sorted.sort(null);
        assertEquals(sorted, new ArrayList<>(ledger.asMap().keySet()));
        assertEquals(5, ledger.asMap().get("on-ground"));
    }
}
