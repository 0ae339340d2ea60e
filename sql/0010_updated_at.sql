-- updated_at means "the record last changed". The triggers used to fire on every UPDATE:
-- devices.updated_at said "last polled" (every poll updates the row), users.updated_at "last
-- signed in", and a PATCH that changed nothing moved it too. Each trigger now fires only when
-- one of the record's own columns changes, by a person or by the poller learning a model, a
-- MAC or a new address — not for the columns a poll or a sign-in writes (devices: state,
-- times, last_error, mac_status; users: last_login_at).
-- The columns are listed (comparing whole rows as jsonb costs three times the plain trigger
-- on a 10,000-row poll update): a column added later that belongs to a record must be added
-- to both lists of its table. lib/printers.c moves devices.updated_at itself for what lives in
-- printer_details (connection, host PC).
DROP TRIGGER devices_updated_at ON devices;
CREATE TRIGGER devices_updated_at BEFORE UPDATE ON devices
    FOR EACH ROW
    WHEN ((OLD.kind, OLD.store_id, OLD.name, OLD.model, OLD.address, OLD.mac, OLD.snmp_version,
           OLD.snmp_port, OLD.snmp_community)
          IS DISTINCT FROM
          (NEW.kind, NEW.store_id, NEW.name, NEW.model, NEW.address, NEW.mac, NEW.snmp_version,
           NEW.snmp_port, NEW.snmp_community))
    EXECUTE FUNCTION set_updated_at();

DROP TRIGGER users_updated_at ON users;
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW
    WHEN ((OLD.email, OLD.full_name, OLD.role, OLD.is_active, OLD.password_hash, OLD.language)
          IS DISTINCT FROM
          (NEW.email, NEW.full_name, NEW.role, NEW.is_active, NEW.password_hash, NEW.language))
    EXECUTE FUNCTION set_updated_at();

DROP TRIGGER stores_updated_at ON stores;
CREATE TRIGGER stores_updated_at BEFORE UPDATE ON stores
    FOR EACH ROW
    WHEN ((OLD.code, OLD.name, OLD.subnets, OLD.notes)
          IS DISTINCT FROM (NEW.code, NEW.name, NEW.subnets, NEW.notes))
    EXECUTE FUNCTION set_updated_at();
