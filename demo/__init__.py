"""The synthetic council: seed_demo, its builder, benchmarks and screenshots."""
