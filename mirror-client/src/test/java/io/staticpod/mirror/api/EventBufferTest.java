package io.staticpod.mirror.api;

import ch.qos.logback.classic.Level;
import io.staticpod.manifest.PodKey;
import io.staticpod.mirror.PodEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The event buffer's policy: the latest 500, the oldest dropped first, repeats counted up, one warning. */
class EventBufferTest {
    final MutableClock wall = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    final FakeTicker ticker = new FakeTicker();
    final EventBuffer buffer = new EventBuffer(wall, ticker);
    final PodKey web = new PodKey("default", "web-node-1");
    final PodKey db = new PodKey("default", "db-node-1");
    final LogCapture logs = new LogCapture();

    @AfterEach
    void tearDown() {
        logs.close();
    }

    static PodEvent event(String message) {
        return new PodEvent(PodEvent.Type.Normal, "Started", message, "app");
    }

    /** Everything, oldest first, as the sender would take it. */
    List<EventBuffer.Waiting> drain() {
        List<EventBuffer.Waiting> out = new ArrayList<>();
        for (EventBuffer.Waiting w; (w = buffer.oldest(k -> true)) != null; ) {
            out.add(w);
            buffer.sent(w);
        }
        return out;
    }

    @Test
    void keepsTheLatestFiveHundredDroppingTheOldestFirstWithOneWarning() {
        for (int i = 0; i < 600; i++) {
            buffer.offer(i % 2 == 0 ? web : db, event("event " + i));
        }
        List<EventBuffer.Waiting> kept = drain();
        assertThat(kept).hasSize(EventBuffer.CAPACITY);
        assertThat(kept.get(0).event().message()).isEqualTo("event 100");
        assertThat(kept.get(499).event().message()).isEqualTo("event 599");
        assertThat(logs.lines(Level.WARN, "Too many events waiting")).hasSize(1);
        assertThat(logs.lines(Level.INFO, "dropped=100")).hasSize(1);
    }

    @Test
    void aRepeatOfAWaitingEventCountsItUpInsteadOfTakingAPlace() {
        buffer.offer(web, event("Started container app"));
        ticker.advance(Duration.ofSeconds(5));
        wall.advance(Duration.ofSeconds(5));
        buffer.offer(db, event("Started container app"));
        buffer.offer(web, event("Started container app"));
        assertThat(buffer.size()).isEqualTo(2);
        EventBuffer.Waiting w = buffer.oldest(k -> true);
        assertThat(w.pod()).isEqualTo(web);
        assertThat(w.count()).isEqualTo(2);
        assertThat(w.first()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(w.last()).isEqualTo(Instant.parse("2024-05-01T10:00:05Z"));
    }

    @Test
    void repeatsThatCameWhileAnEventWasBeingSentStay() {
        buffer.offer(web, event("Started container app"));
        EventBuffer.Waiting sending = buffer.oldest(k -> true);
        buffer.offer(web, event("Started container app"));
        buffer.sent(sending);
        EventBuffer.Waiting rest = buffer.oldest(k -> true);
        assertThat(rest).isNotNull();
        assertThat(rest.count()).isEqualTo(1);
    }

    @Test
    void anEventWaitsForItsPodWithoutHoldingBackTheOthersAndGoesWithThePod() {
        buffer.offer(web, event("first"));
        buffer.offer(db, event("second"));
        assertThat(buffer.oldest(k -> k.equals(db)).event().message()).isEqualTo("second");
        buffer.retain(k -> k.equals(db));
        assertThat(drain()).extracting(w -> w.event().message()).containsExactly("second");
    }
}
