package io.chainplan.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObjectCacheStoreTest {
    private static final String STORE = "counts";
    private static final String CHANGELOG = "cache-test-" + STORE + "-changelog";

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> input;
    private TestOutputTopic<String, Integer> changelog;
    private TestOutputTopic<String, String> listing;

    /** Commands: "inc" adds 1 to the key's count three times, "del" deletes the key, "list" forwards all entries. */
    private static final class CommandProcessor implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, Integer> store;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> r) {
            switch (r.value()) {
                case "inc" -> {
                    for (int i = 0; i < 3; i++) {
                        Integer n = store.get(r.key());
                        store.put(r.key(), n == null ? 1 : n + 1);
                    }
                }
                case "del" -> store.delete(r.key());
                case "list" -> {
                    List<String> all = new ArrayList<>();
                    try (KeyValueIterator<String, Integer> it = store.all()) {
                        it.forEachRemaining(kv -> all.add(kv.key + "=" + kv.value));
                    }
                    context.forward(r.withValue(String.join(",", all)));
                }
                default -> throw new IllegalArgumentException("command " + r.value());
            }
        }
    }

    @BeforeEach
    void setUp() {
        Topology t = new Topology();
        t.addSource("in", new StringDeserializer(), new StringDeserializer(), "commands");
        t.addProcessor("commands", CommandProcessor::new, "in");
        t.addStateStore(ObjectCacheStore.builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE),
                Serdes.String(), Serdes.Integer()).withCachingDisabled()), "commands");
        t.addSink("out", "listing", new StringSerializer(), new StringSerializer(), "commands");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cache-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(t, props);
        input = driver.createInputTopic("commands", new StringSerializer(), new StringSerializer());
        changelog = driver.createOutputTopic(CHANGELOG, new StringDeserializer(), new IntegerDeserializer());
        listing = driver.createOutputTopic("listing", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void writesEachChangedKeyToTheChangelogOncePerCommitWithItsLatestValue() {
        input.pipeInput("a", "inc");
        input.pipeInput("b", "inc");
        input.pipeInput("a", "inc");

        // the test driver commits after every input record; three puts per record, one changelog record
        assertThat(changelog.readKeyValuesToList())
                .containsExactly(KeyValue.pair("a", 3), KeyValue.pair("b", 3), KeyValue.pair("a", 6));
        KeyValueStore<String, Integer> store = driver.getKeyValueStore(STORE);
        assertThat(store.get("a")).isEqualTo(6);
        assertThat(store.get("missing")).isNull();
    }

    @Test
    void deleteRemovesTheKeyFromTheCacheAndWritesATombstone() {
        input.pipeInput("a", "inc");
        input.pipeInput("a", "del");
        input.pipeInput("b", "inc");

        assertThat(changelog.readKeyValuesToList())
                .containsExactly(KeyValue.pair("a", 3), KeyValue.pair("a", null), KeyValue.pair("b", 3));
        assertThat(driver.getKeyValueStore(STORE).get("a")).isNull();
        input.pipeInput("a", "inc");
        assertThat(driver.<String, Integer>getKeyValueStore(STORE).get("a")).isEqualTo(3);
    }

    @Test
    void rangeReadsSeeWritesNotYetCommitted() {
        input.pipeInput("b", "inc");
        input.pipeInput("a", "inc");
        input.pipeInput("x", "list");

        assertThat(listing.readValuesToList()).containsExactly("a=3,b=3");
        assertThat(changelog.readKeyValuesToMap()).isEqualTo(Map.of("a", 3, "b", 3));
    }
}
