-- Why an admin set a savings rate (the back office's /office/savings/ asks for it), kept with the rate.

ALTER TABLE savings_rates ADD COLUMN reason text CHECK (reason IS NULL OR length(reason) BETWEEN 3 AND 500);
