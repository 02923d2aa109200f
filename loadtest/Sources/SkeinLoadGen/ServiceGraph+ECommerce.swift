extension ServiceGraph {
    /// The built-in shop, modelled on the OpenTelemetry demo: a frontend over catalog, cart,
    /// checkout, payment, inventory, recommendation, currency and shipping services, with
    /// Redis and PostgreSQL behind them, a Kafka topic feeding an email service, and two
    /// outside APIs. Edges (caller → callee):
    ///
    ///     frontend → product-catalog, recommendation, currency, cart, checkout, shipping
    ///     recommendation → product-catalog        product-catalog → postgresql (catalog)
    ///     cart → redis                            checkout → cart, product-catalog, currency,
    ///     inventory → postgresql (inventory)                  inventory, payment, shipping, kafka
    ///     payment → postgresql (payments), api.payments.example
    ///     kafka → email (linked trace) → api.mailer.example
    package static func ecommerce() -> ServiceGraph {
        var graph = ServiceGraph(namespace: "shop", services: [], endpoints: [], entries: [])
        func service(_ name: String, _ language: String, _ sdk: String, port: Int, instances: Int) -> Int {
            graph.services.append(Service(name: name, language: language, sdkVersion: sdk, version: "2.3.\(graph.services.count)",
                                          port: port, instances: instances))
            return graph.services.count - 1
        }
        func endpoint(_ service: Int, _ transport: Transport, selfMillis: Double, calls: [Call] = [],
                      event: String? = nil, eventProbability: Double = 0, notFoundRate: Double = 0) -> Int {
            graph.endpoints.append(Endpoint(service: service, transport: transport, selfMillis: selfMillis, calls: calls,
                                            eventName: event, eventProbability: eventProbability, notFoundRate: notFoundRate))
            return graph.endpoints.count - 1
        }

        let frontend = service("frontend", "nodejs", "1.30.1", port: 8080, instances: 3)
        let catalog = service("product-catalog", "go", "1.35.0", port: 3550, instances: 2)
        let cart = service("cart", "dotnet", "1.12.0", port: 7070, instances: 2)
        let checkout = service("checkout", "go", "1.35.0", port: 5050, instances: 2)
        let payment = service("payment", "nodejs", "1.30.1", port: 50051, instances: 2)
        let inventory = service("inventory", "java", "1.45.0", port: 8081, instances: 2)
        let recommendation = service("recommendation", "python", "1.33.1", port: 9001, instances: 2)
        let currency = service("currency", "cpp", "1.19.0", port: 7001, instances: 1)
        let shipping = service("shipping", "rust", "0.28.0", port: 50050, instances: 1)
        let email = service("email", "ruby", "1.5.0", port: 6060, instances: 1)

        let catalogDB = { (operation: String, query: String, median: Double) in
            CallTarget.database(DatabaseCall(
                system: "postgresql", namespace: "catalog", operation: operation, collection: "products", query: query,
                host: "catalog-db", port: 5432, medianMillis: median, errorType: "PostgresError",
                errorMessage: "canceling statement due to statement timeout"))
        }
        let redis = { (operation: String, query: String) in
            CallTarget.database(DatabaseCall(
                system: "redis", namespace: "0", operation: operation, collection: "", query: query, host: "redis-cart",
                port: 6379, medianMillis: 0.4, errorType: "RedisTimeoutException", errorMessage: "Timeout performing \(operation)"))
        }

        let listProducts = endpoint(catalog, .grpc(method: "oteldemo.ProductCatalogService/ListProducts"), selfMillis: 1.5, calls: [
            Call(catalogDB("SELECT", "SELECT id, name, description, price_usd FROM products ORDER BY id LIMIT $1", 3)),
        ])
        let getProduct = endpoint(catalog, .grpc(method: "oteldemo.ProductCatalogService/GetProduct"), selfMillis: 0.8, calls: [
            Call(catalogDB("SELECT", "SELECT id, name, description, price_usd FROM products WHERE id = $1", 1.2), probability: 0.7),
        ])
        let recommend = endpoint(recommendation, .grpc(method: "oteldemo.RecommendationService/ListRecommendations"),
                                 selfMillis: 4, calls: [Call(.endpoint(listProducts))])
        let convert = endpoint(currency, .grpc(method: "oteldemo.CurrencyService/Convert"), selfMillis: 0.3)
        let getCart = endpoint(cart, .http(method: "GET", route: "/cart/{userId}"), selfMillis: 0.6, calls: [
            Call(redis("HGETALL", "HGETALL ?")),
        ])
        let addItem = endpoint(cart, .http(method: "POST", route: "/cart/{userId}/items"), selfMillis: 0.8, calls: [
            Call(redis("HSET", "HSET ? ? ?")), Call(redis("EXPIRE", "EXPIRE ? ?")),
        ])
        let emptyCart = endpoint(cart, .http(method: "DELETE", route: "/cart/{userId}"), selfMillis: 0.5, calls: [
            Call(redis("DEL", "DEL ?")),
        ])
        let reserve = endpoint(inventory, .http(method: "POST", route: "/inventory/reservations"), selfMillis: 2, calls: [
            Call(.database(DatabaseCall(
                system: "postgresql", namespace: "inventory", operation: "UPDATE", collection: "stock",
                query: "UPDATE stock SET reserved = reserved + $1 WHERE product_id = $2 AND available >= $1",
                host: "inventory-db", port: 5432, medianMillis: 2.5, errorType: "PSQLException",
                errorMessage: "deadlock detected")), repeats: 1...3),
        ])
        let charge = endpoint(payment, .grpc(method: "oteldemo.PaymentService/Charge"), selfMillis: 3, calls: [
            Call(.external(ExternalCall(method: "POST", host: "api.payments.example", path: "/v1/charges", medianMillis: 60))),
            Call(.database(DatabaseCall(
                system: "postgresql", namespace: "payments", operation: "INSERT", collection: "charges",
                query: "INSERT INTO charges (order_id, amount_usd, card_last4, status) VALUES ($1, $2, $3, $4)",
                host: "payments-db", port: 5432, medianMillis: 2, errorType: "PostgresError",
                errorMessage: "could not serialize access due to concurrent update"))),
        ])
        let quote = endpoint(shipping, .http(method: "POST", route: "/shipping/quote"), selfMillis: 1)
        let sendEmail = endpoint(email, .consumer(system: "kafka", destination: "orders"), selfMillis: 2, calls: [
            Call(.step(name: "render confirmation", medianMillis: 6)),
            Call(.external(ExternalCall(method: "POST", host: "api.mailer.example", path: "/v3/mail/send", medianMillis: 80))),
        ])
        let placeOrder = endpoint(checkout, .grpc(method: "oteldemo.CheckoutService/PlaceOrder"), selfMillis: 2, calls: [
            Call(.endpoint(getCart)),
            Call(.endpoint(getProduct), repeats: 1...4),
            Call(.endpoint(convert), repeats: 1...2),
            Call(.endpoint(quote)),
            Call(.endpoint(reserve)),
            Call(.endpoint(charge)),
            Call(.step(name: "prepare order confirmation", medianMillis: 1.5)),
            Call(.endpoint(emptyCart), tolerance: 0.9),
            Call(.publish(system: "kafka", destination: "orders", consumer: sendEmail), tolerance: 0.5),
        ], event: "order.placed", eventProbability: 1)

        let home = endpoint(frontend, .http(method: "GET", route: "/"), selfMillis: 3, calls: [
            Call(.endpoint(listProducts)),
            Call(.endpoint(recommend), probability: 0.9, parallel: true, tolerance: 0.9),
            Call(.endpoint(convert), probability: 0.7, repeats: 1...3, parallel: true, tolerance: 0.5),
            Call(.endpoint(getCart), probability: 0.5),
        ])
        let product = endpoint(frontend, .http(method: "GET", route: "/product/{id}"), selfMillis: 2, calls: [
            Call(.endpoint(getProduct)),
            Call(.endpoint(recommend), probability: 0.8, parallel: true, tolerance: 0.9),
            Call(.endpoint(convert), probability: 0.8, parallel: true, tolerance: 0.5),
        ], event: "cache.miss", eventProbability: 0.2, notFoundRate: 0.03)
        let viewCart = endpoint(frontend, .http(method: "GET", route: "/cart"), selfMillis: 1.5, calls: [
            Call(.endpoint(getCart)),
            Call(.endpoint(getProduct), repeats: 1...3),
            Call(.endpoint(quote), probability: 0.6, tolerance: 0.8),
        ])
        let addToCart = endpoint(frontend, .http(method: "POST", route: "/cart"), selfMillis: 1.5, calls: [
            Call(.endpoint(getProduct)),
            Call(.endpoint(addItem)),
        ])
        let buy = endpoint(frontend, .http(method: "POST", route: "/checkout"), selfMillis: 2, calls: [
            Call(.endpoint(placeOrder)),
        ])
        graph.entries = [(home, 0.3), (product, 0.35), (viewCart, 0.15), (addToCart, 0.1), (buy, 0.1)]
        return graph
    }
}
