"""The chaos soak's parts (tools/soak/chaos_soak.py): DNS wire, zone versions, processes,
probes, the chaos itself and the verdict."""
