import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How fast the embedded H2 store takes alert rows on one thread: the ceiling of the ingest path
 * (every accepted alert is one row). Realistic Alertmanager alerts (11 labels, 3 annotations), stored
 * as the webhooks' group commit stores them, in batches of 1, 50 and 1,000 alerts per transaction.
 * Args: [alerts per batch size, default 100000]. Bounded: that many alerts per batch size.
 */
public class StoreRowsBench {

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Map<String, String> annotations = Map.of("summary", "Disk /var is 97% full",
                "description", "Filesystem /dev/sda1 mounted on /var has 3% space left; predicted to fill in 2h.",
                "runbook_url", "https://runbooks.example.internal/disk-space-low");
        for (int batch : new int[] {1, 50, 1_000}) {
            Path directory = Files.createTempDirectory("quench-store-rows");
            try (Store store = Store.open("jdbc:h2:file:" + directory.resolve("quench"), "sa", "")) {
                int count = batch == 1 ? Math.min(total, 10_000) : total;
                long start = 0;
                int stored = 0;
                for (int round = 0; stored < count; round++) {
                    if (round == 20) { // after a warm-up of 20 batches
                        start = System.nanoTime();
                        stored = 0;
                    }
                    List<Alert> alerts = new ArrayList<>(batch);
                    for (int index = 0; index < batch; index++) {
                        Map<String, String> labels = new HashMap<>(Map.of("alertname", "DiskSpaceLow",
                                "instance", "web-" + index + ":9100", "job", "node", "severity", "critical",
                                "mountpoint", "/var", "device", "/dev/sda1", "fstype", "ext4", "team", "storage",
                                "env", "prod"));
                        labels.put("region", "eu-west-1");
                        alerts.add(new Alert("alertmanager", Long.toHexString(round * 100_003L + index * 7_919L)
                                + "-" + round + "-" + index, AlertStatus.FIRING, labels, annotations,
                                Instant.parse("2026-11-21T10:00:00Z"), null,
                                "http://prometheus.example.internal:9090/graph?g0.expr=node_filesystem"));
                    }
                    store.alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, alerts,
                            Instant.now())), alert -> true);
                    stored += batch;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("RESULT store=h2 alerts_per_transaction=%d alerts=%d seconds=%.2f rows_per_s=%.0f%n",
                        batch, stored, seconds, stored / seconds);
            }
        }
    }
}
