-- devices.updated_at said "last polled": every poll's UPDATE of the row fired the trigger. It
-- now moves only when the record itself changes (name, address, store, model, MAC, SNMP
-- settings, … — by a person or by the poller learning them), not with the columns every poll
-- writes. Any column added later counts as part of the record unless it is listed here.
DROP TRIGGER devices_updated_at ON devices;
CREATE TRIGGER devices_updated_at BEFORE UPDATE ON devices
    FOR EACH ROW
    WHEN ((to_jsonb(OLD) - ARRAY['state', 'last_polled_at', 'last_seen_at', 'last_error',
                                 'last_read_at', 'mac_status', 'updated_at'])
          IS DISTINCT FROM
          (to_jsonb(NEW) - ARRAY['state', 'last_polled_at', 'last_seen_at', 'last_error',
                                 'last_read_at', 'mac_status', 'updated_at']))
    EXECUTE FUNCTION set_updated_at();
