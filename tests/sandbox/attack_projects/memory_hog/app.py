from _serve import healthz, serve

hoard = []


def allocate_forever():
    try:
        while len(hoard) < 1000:
            hoard.append(b"\x01" * (64 * 1024 * 1024))  # touched pages, so they count
    except MemoryError:
        return {"allocated_mib": 64 * len(hoard), "error": "MemoryError"}
    return {"allocated_mib": 64 * len(hoard), "error": None}


serve({"/healthz": healthz, "/report": allocate_forever})
