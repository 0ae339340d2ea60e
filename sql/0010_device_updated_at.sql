-- devices.updated_at said "last polled": every poll's UPDATE of the row fired the trigger. It
-- now moves only when the record itself changes — by a person or by the poller learning a
-- model, a MAC or a new address — not with the columns every poll writes (state, times,
-- last_error, mac_status). The columns are listed (comparing whole rows as jsonb costs three
-- times the plain trigger on a 10,000-row poll update): a column added later that belongs to
-- the record must be added to both lists. lib/printers.c moves updated_at itself for changes
-- kept in printer_details (connection, host PC).
DROP TRIGGER devices_updated_at ON devices;
CREATE TRIGGER devices_updated_at BEFORE UPDATE ON devices
    FOR EACH ROW
    WHEN ((OLD.kind, OLD.store_id, OLD.name, OLD.model, OLD.address, OLD.mac, OLD.snmp_version,
           OLD.snmp_port, OLD.snmp_community)
          IS DISTINCT FROM
          (NEW.kind, NEW.store_id, NEW.name, NEW.model, NEW.address, NEW.mac, NEW.snmp_version,
           NEW.snmp_port, NEW.snmp_community))
    EXECUTE FUNCTION set_updated_at();
