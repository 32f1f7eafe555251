package dev.consulmesh.push.news;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NewsSnapshotTest {

    private static final Instant LOADED = Instant.parse("2026-11-17T22:00:00Z");

    private static NewsItem item(String id, long publishedAt) {
        return new NewsItem(id, "title " + id, "", "", "test", publishedAt);
    }

    /** 400 items over only 9 distinct timestamps, in shuffled order: most pages start and end inside a tie. */
    private static List<NewsItem> heavilyTiedItems() {
        Random random = new Random(42);
        List<NewsItem> items = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            items.add(item(String.format("%016x", random.nextLong()), 1_000_000L + 1000L * random.nextInt(9)));
        }
        return items;
    }

    /** Walks every page from {@code first}, following each page's last item, until a page comes back empty. */
    private static List<NewsItem> walk(NewsSnapshot snapshot, NewsQuery first) {
        List<NewsItem> seen = new ArrayList<>();
        NewsQuery query = first;
        for (int pages = 0; pages <= snapshot.size() + 1; pages++) {
            List<NewsItem> page = snapshot.latest(query);
            assertThat(page).hasSizeLessThanOrEqualTo(query.limit());
            if (page.isEmpty()) {
                return seen;
            }
            seen.addAll(page);
            query = query.after(page.get(page.size() - 1));
        }
        throw new AssertionError("paging did not end after " + (snapshot.size() + 1) + " pages");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 20, 100})
    void pagingAcrossTiesNeitherRepeatsNorSkips(int limit) {
        List<NewsItem> items = heavilyTiedItems();
        NewsSnapshot snapshot = NewsSnapshot.of(items, LOADED);
        List<NewsItem> expected = new ArrayList<>(items);
        expected.sort(NewsItem.NEWEST_FIRST);

        List<NewsItem> walked = walk(snapshot, NewsQuery.firstPage(Long.MAX_VALUE, limit));

        assertThat(walked).containsExactlyElementsOf(expected);
        assertThat(new HashSet<>(walked)).hasSize(items.size());
    }

    @Test
    void bundledFeedPagesThroughEveryItemInOrder() {
        NewsSnapshot snapshot = NewsSnapshot.of(
                new FeedSource("classpath:feeds/sample-news.xml", Duration.ofSeconds(5)).load(), LOADED);

        for (int limit : new int[] {1, 2, 3, 4, 5, 11}) {
            assertThat(walk(snapshot, NewsQuery.firstPage(Long.MAX_VALUE, limit)))
                    .as("limit %d", limit)
                    .containsExactlyElementsOf(snapshot.items());
        }
    }

    @Test
    void withoutBeforeIdOnlyItemsStrictlyBeforeLatestTimeAreReturned() {
        NewsSnapshot snapshot = NewsSnapshot.of(List.of(item("a", 10), item("b", 20), item("c", 20), item("d", 30)),
                LOADED);

        assertThat(snapshot.latest(new NewsQuery(20, null, 10))).extracting(NewsItem::id).containsExactly("a");
        assertThat(snapshot.latest(new NewsQuery(21, null, 10))).extracting(NewsItem::id)
                .containsExactly("c", "b", "a");
    }

    @Test
    void beforeIdContinuesInsideATie() {
        NewsSnapshot snapshot = NewsSnapshot.of(List.of(item("a", 10), item("b", 20), item("c", 20), item("d", 20)),
                LOADED);

        assertThat(snapshot.latest(new NewsQuery(20, "c", 10))).extracting(NewsItem::id).containsExactly("b", "a");
        // An id that is not in the snapshot (the item was dropped from the feed) still has its place in the order.
        assertThat(snapshot.latest(new NewsQuery(20, "cc", 10))).extracting(NewsItem::id)
                .containsExactly("c", "b", "a");
    }

    @Test
    void pageIsNewestFirstAndCutAtTheLimit() {
        NewsSnapshot snapshot = NewsSnapshot.of(List.of(item("a", 1), item("b", 2), item("c", 3), item("d", 4)),
                LOADED);

        assertThat(snapshot.latest(new NewsQuery(100, null, 2))).extracting(NewsItem::id).containsExactly("d", "c");
        assertThat(snapshot.latest(new NewsQuery(0, null, 2))).isEmpty();
    }

    @Test
    void repeatedIdsKeepTheFirstItem() {
        NewsItem first = item("same", 5);
        NewsItem repeat = new NewsItem("same", "a later copy", "", "", "test", 9);

        NewsSnapshot snapshot = NewsSnapshot.of(List.of(first, repeat), LOADED);

        assertThat(snapshot.items()).containsExactly(first);
    }

    @Test
    void snapshotCannotBeChangedThroughItsLists() {
        List<NewsItem> source = new ArrayList<>(List.of(item("a", 1)));
        NewsSnapshot snapshot = NewsSnapshot.of(source, LOADED);
        source.add(item("b", 2));

        assertThat(snapshot.size()).isEqualTo(1);
        assertThatThrownBy(() -> snapshot.latest(NewsQuery.firstPage(10, 5)).clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
