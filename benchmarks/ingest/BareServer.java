import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The ceiling of this machine for the ingest benchmark: a Vert.x server that only reads the body,
 * parses it as JSON and answers 200, with no auth, no store and no matching.
 * Run: java -cp CLASSPATH BareServer.java PORT
 */
public final class BareServer {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        ObjectMapper json = new ObjectMapper();
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(32L * 1024 * 1024));
        router.post("/hooks/alertmanager").handler(context -> {
            try {
                JsonNode root = json.readTree(context.body().buffer().getBytes());
                context.response().setStatusCode(200).putHeader("content-type", "application/json")
                        .end("{\"received\":" + root.path("alerts").size() + "}");
            } catch (Exception e) {
                context.response().setStatusCode(400).end();
            }
        });
        vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1")
                .onSuccess(server -> System.out.println("bare server listening on " + server.actualPort()))
                .onFailure(error -> {
                    error.printStackTrace();
                    System.exit(1);
                });
    }
}
