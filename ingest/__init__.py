"""Where telemetry enters: sources (simulator, MQTT, HTTP), validation, stream consumers, rules."""
